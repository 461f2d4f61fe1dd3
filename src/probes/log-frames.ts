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
  private text = '';
  /** Where the next marker search starts: text before it was searched already. */
  private searchFrom = 0;
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

  /** The frames `chunk` completes; throws on output that is not frames. */
  push(chunk: string): LogFrame[] {
    this.text += chunk;
    const frames: LogFrame[] = [];
    for (;;) {
      const at = this.text.indexOf(this.head, this.searchFrom);
      if (at < 0) {
        if (this.text.length > this.maxChars) throw new Error(`${this.text.length} characters of log without the follower's frame line`);
        this.searchFrom = Math.max(0, this.text.length - this.head.length + 1);
        return frames;
      }
      const end = this.text.indexOf('\n', at + 1);
      if (end < 0) {
        this.searchFrom = at;
        return frames;
      }
      const fields = this.line.exec(this.text.slice(at + 1, end));
      if (!fields) throw new Error(`unexpected frame line ${JSON.stringify(this.text.slice(at + 1, Math.min(end, at + 81)))}`);
      frames.push({ text: this.text.slice(0, at), alive: fields[1] === '1', offset: Number(fields[2]) });
      this.text = this.text.slice(end + 1);
      this.searchFrom = 0;
    }
  }
}
