/**
 * Text from a host or from GitHub made safe to print on a terminal or into a CI log: escape
 * sequences (CSI such as `ESC[2K`, OSC such as a window title `ESC]0;…BEL`) are removed whole,
 * every other control character (CR, BS, C1, bidirectional overrides) is dropped, and line
 * breaks are shown as `\n`, so no text can rewrite, hide or fake a line of ours.
 */
export function terminalSafe(text: string): string {
  return text
    .replace(OSC, '')
    .replace(CSI, '')
    .replace(OTHER_ESCAPE, '')
    .replace(/\r\n|[\n\u2028\u2029]/g, '\\n')
    .replace(CONTROL, '');
}

/** Operating system command: ESC ] (or the C1 form) … ended by BEL or ST, or by the end of the text. */
const OSC = /(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c|$)/g;
/** Control sequence: ESC [ (or C1 CSI), parameters, intermediates, one final byte. */
const CSI = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
/** Any other escape: ESC and the one character after it. */
const OTHER_ESCAPE = /\u001b[\u0020-\u007e]?/g;
/** C0 but tab, DEL, C1, and the bidirectional embedding, override and isolate controls. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
