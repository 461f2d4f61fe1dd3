import { describe, expect, it } from 'vitest';
import { LogFrames } from '../../src/probes/log-frames.ts';

const M = '9f8e7d6c';

describe('LogFrames', () => {
  it('splits frames at the marker line, wherever the chunks break', () => {
    const output = `ready\n\n${M} 1 6\nhalf a line\n${M} 1 18\n\n${M} 0 18\n`;
    const whole = new LogFrames(M, 1024).push(output);
    expect(whole).toEqual([
      { text: 'ready\n', alive: true, offset: 6 },
      { text: 'half a line', alive: true, offset: 18 },
      { text: '', alive: false, offset: 18 },
    ]);
    // One character at a time gives the same frames: no boundary is special.
    const frames = new LogFrames(M, 1024);
    const oneByOne = [...output].flatMap((c) => frames.push(c));
    expect(oneByOne).toEqual(whole);
  });

  it('keeps a log line that imitates the frame line with another marker, or without its fields', () => {
    const forged = `\n0000 0 99\n\n${M}x 0 1\n${M}`;
    expect(new LogFrames(M, 1024).push(`${forged}\n${M} 1 40\n`)).toEqual([{ text: forged, alive: true, offset: 40 }]);
  });

  it('refuses a frame line it cannot read, and text that never ends a frame', () => {
    expect(() => new LogFrames(M, 1024).push(`x\n${M} yes 12\n`)).toThrow(/unexpected frame line "9f8e7d6c yes 12"/);
    const frames = new LogFrames(M, 10);
    expect(frames.push('0123456789')).toEqual([]);
    expect(() => frames.push('a')).toThrow(/11 characters of log without the follower's frame line/);
  });

  it('accepts only a marker that cannot hold a pattern', () => {
    expect(() => new LogFrames('a.*', 10)).toThrow(/letters and digits/);
  });
});
