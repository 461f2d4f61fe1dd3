import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import type { CliIo } from '../../src/commands/io.ts';
import { checksumsText } from '../../src/sandbox/stand-in/release.ts';
import { runCli } from '../support/cli-io.ts';
import { faultWorld, type FaultWorld } from './fault-world.ts';

// Escape codes from a host (a daemon's raw log line) and from GitHub (a name in checksums.txt)
// must not reach the operator's terminal or a CI log: only our own escape codes may.

/** The line: a new window title, the line erased, CR, the cursor up, and a fake verdict. */
const ESCAPES = '\u001b]0;TITLE\u0007\u001b[2K\r\u001b[1A';

let world: FaultWorld;
beforeAll(async () => {
  world = await faultWorld({ behaviours: { 'linux/amd64': { variant: 'escape-codes' } } });
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const args = (platform: string) => ['run', 'v0.0.1', '--no-post', '--platform', platform, '--config', world.sb.configPath, '--reports', join(world.dir, 'reports')];
/** Control characters but the newline ending each line. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('escape codes from a host or from GitHub', () => {
  it('a daemon log line of escape codes reaches the plain view inert, on our own line', async () => {
    const run = await runCli(args('linux/amd64'), world.sb.env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('linux/amd64: boot fail: exited');
    expect(run.stderr).not.toMatch(CONTROL);
    expect(run.stderr).not.toContain('TITLE');
    // What is left of the line stays on the line of our boot verdict, where it cannot pass for one.
    expect(run.stderr).toMatch(/Z linux\/amd64: boot fail: [^\n]*…linux\/amd64: boot pass/);
    expect(run.stderr).not.toMatch(/^[^ ]+ …linux\/amd64: boot pass/m);
  }, 120_000);

  it('on a live terminal, only the view\'s own codes (cursor to line start, erase) are written', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 400 });
    const stdout = new PassThrough();
    let out = '';
    stderr.on('data', (c: Buffer) => (out += c.toString()));
    stdout.resume();
    const io: CliIo = { stdout, stderr, env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...world.sb.env } };
    expect(await main(args('linux/amd64'), io)).toBe(1);
    expect(out).toContain('boot: exited');
    const escapes = [...out.matchAll(/\u001b(.{0,6})/gs)].map((m) => m[1]!);
    expect(escapes.length).toBeGreaterThan(0);
    for (const e of escapes) expect(e, JSON.stringify(e)).toMatch(/^\[(\d+F|2K|0J)/);
    expect(out).not.toMatch(/[\u0007\r\u009b\u009d]/);
  }, 120_000);

  it('a name in checksums.txt with escape codes is printed inert in its warning', async () => {
    const { sb } = world;
    const old = sb.fake.release(sb.releaseId).assets.find((a) => a.name === 'checksums.txt')!;
    sb.fake.removeAsset(old.id);
    // The parser refuses C0 controls in a name; C1 (an 8-bit CSI erasing the line) and a
    // right-to-left override (which reverses what follows) got through to the warning.
    const hostile = `${'ab'.repeat(32)}  \u009b2K\u202efake_linux_amd64.tar.gz`;
    sb.fake.addAsset(sb.releaseId, { name: 'checksums.txt', content: `${checksumsText(sb.release.assets)}${hostile}\n` });
    const run = await runCli(args('linux/arm64'), sb.env);
    expect(run.code, run.stderr).toBe(0);
    // The 8-bit CSI goes whole, with its parameters: only the name is left.
    expect(run.stderr).toContain(`warning: checksums.txt:5: "fake_linux_amd64.tar.gz" is not an expected archive`);
    expect(run.stderr).not.toMatch(CONTROL);
    expect(run.stderr).not.toContain('\u202e');
  }, 120_000);
});
