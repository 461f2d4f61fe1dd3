/** One read of a followed log (`Shell.followLog`): the new text and the host's answer after it. */
export interface LogFrame {
  text: string;
  alive: boolean;
  /** The host's byte offset after this frame's text. */
  offset: number;
}

/**
 * Splits `Shell.followLog`'s output into frames. Each frame's text ends at a line
 * `\n<marker> <alive> <offset>`; the marker is random per follow, so a log that imitates the
 * line (the daemon writes what it likes) cannot end a frame. The newline before the marker is
 * the follower's own and is dropped.
 */
export class LogFrames {
  /** The current frame's text so far, in the pieces it came in: joined once, when the frame ends. */
  private parts: string[] = [];
  private partsLength = 0;
  /** The end of what came, not yet known to be text: it may be (the start of) a frame line. */
  private carry = '';
  private readonly head: string;
  private readonly line: RegExp;

  /** `maxChars`: text without an end this long is not a follower speaking. */
  constructor(
    marker: string,
    private readonly maxChars: number,
  ) {
    if (!/^[0-9a-z]+$/.test(marker)) throw new Error(`a log frame marker is letters and digits, not ${JSON.stringify(marker)}`);
    this.head = `\n${marker} `;
    this.line = new RegExp(`^${marker} ([01]) (\\d+)\\r?$`);
  }

  /**
   * The frames `chunk` completes; throws on output that is not frames. Only the new chunk is
   * searched, and the text is copied once: appending to one string and searching it again after
   * each chunk made megabytes of garbage per frame.
   */
  push(chunk: string): LogFrame[] {
    let text = this.carry + chunk;
    this.carry = '';
    const frames: LogFrame[] = [];
    for (;;) {
      const at = text.indexOf(this.head);
      if (at < 0) {
        // The last characters may be the start of a frame line: keep them back.
        const keep = Math.max(0, text.length - this.head.length + 1);
        this.addText(text.slice(0, keep));
        this.carry = text.slice(keep);
        this.checkLength();
        return frames;
      }
      const end = text.indexOf('\n', at + 1);
      if (end < 0) {
        this.addText(text.slice(0, at));
        this.carry = text.slice(at);
        // A frame line is the marker and two numbers: anything longer is not one.
        if (this.carry.length > this.head.length + 40) throw new Error(`unexpected frame line ${JSON.stringify(this.carry.slice(1, 81))}`);
        this.checkLength();
        return frames;
      }
      const fields = this.line.exec(text.slice(at + 1, end));
      if (!fields) throw new Error(`unexpected frame line ${JSON.stringify(text.slice(at + 1, Math.min(end, at + 81)))}`);
      this.addText(text.slice(0, at));
      frames.push({ text: this.parts.join(''), alive: fields[1] === '1', offset: Number(fields[2]) });
      this.parts = [];
      this.partsLength = 0;
      text = text.slice(end + 1);
    }
  }

  private addText(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    this.partsLength += text.length;
  }

  private checkLength(): void {
    const length = this.partsLength + this.carry.length;
    if (length > this.maxChars) throw new Error(`${length} characters of log without the follower's frame line`);
  }
}
