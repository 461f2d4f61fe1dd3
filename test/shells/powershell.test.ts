import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePowerShell, powerShell as ps, quotePowerShell } from '../../src/shells/powershell.ts';
import { HOSTILE } from './hostile-strings.ts';

/*
 * PowerShell is checked against golden files only: Debian has no pwsh package, and Windows
 * PowerShell 5.1 (what Windows hosts run) exists only on Windows. The goldens are reviewed text;
 * UPDATE_GOLDEN=1 rewrites them after an intended change. What can be checked without a
 * PowerShell, is: the quoting rules (a reference reader of single-quoted literals below) and
 * that nothing but base64 reaches cmd.exe.
 */
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'powershell');
const NASTY = "C:\\smoke\\it's ‘here’ $(calc) `n; & | %TEMP%";

const operations: Record<string, string> = {
  'make-run-dir': ps.makeRunDir({ workdir: NASTY, runId: 'run-1' }),
  'make-run-dir-default': ps.makeRunDir({ runId: 'run-1' }),
  'make-dir': ps.makeDir(NASTY),
  'stage-archive': ps.stageArchive({ archive: `${NASTY}\\'; rm -rf ~; '.zip`, expectedSha256: 'AB'.repeat(32), destination: `${NASTY}\\bin`, format: 'zip', binaryPath: `${NASTY}\\bin\\ephemerd.exe` }),
  entitlements: ps.entitlements('x'),
  'run-with-timeout': ps.runWithTimeout({ argv: [`${NASTY}\\ephemerd.exe`, '--version', 'say "hi"\\'], cwd: NASTY, timeoutMs: 30_000, sudo: false }),
  'run-script-with-timeout': ps.runScriptWithTimeout({ script: "& 'C:\\x.exe' --help", cwd: NASTY, timeoutMs: 5_000, sudo: false }),
  'start-background': ps.startBackground({ argv: [`${NASTY}\\ephemerd.exe`, 'serve', '--data-dir', `${NASTY}\\data`], cwd: NASTY, logFile: `${NASTY}\\boot.log`, pidFile: `${NASTY}\\pids\\boot.pid`, sudo: false }),
  'follow-log': ps.followLog({ logFile: `${NASTY}\\boot.log`, pidFile: `${NASTY}\\pids\\boot.pid`, offset: 1234, maxBytes: 65536, intervalMs: 250, maxRunMs: 60_000, marker: '0a1b2c' }),
  'stop-groups': ps.stopGroups({ pidFiles: [`${NASTY}\\pids\\boot.pid`], graceMs: 5000, sudo: false }),
  'clean-run': ps.cleanRun({ runDir: NASTY, graceMs: 5000, sudo: false, remove: true }),
  'clean-run-keep': ps.cleanRun({ runDir: NASTY, graceMs: 5000, sudo: false, remove: false }),
  'list-runs': ps.listRuns({ workdir: NASTY }),
  'make-dir-and-free-port': ps.makeDirAndFreePort(`${NASTY}\\data`),
  healthz: ps.healthz({ port: 18080, timeoutMs: 3000 }),
  'host-facts': ps.hostFacts({ workdir: NASTY, program: `${NASTY}\\qemu.exe` }),
  'host-facts-default': ps.hostFacts({}),
  'sudo-works': ps.sudoWorks(),
};

describe('PowerShell dialect goldens', () => {
  it.each(Object.keys(operations))('%s matches its golden file', (name) => {
    const wire = operations[name]!;
    // cmd.exe sees only this: no quote, no %, no &, nothing it would interpret.
    expect(wire).toMatch(/^powershell -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/]+=*$/);
    const text = decodePowerShell(wire);
    const file = join(GOLDEN, `${name}.txt`);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, text);
    }
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('PowerShell uploads', () => {
  it('has no receiving command: PowerShell 5.1 reads stdin as text, so archives go over SFTP', () => {
    expect(ps.receiveFile('C:/smoke/run/ephemerd.zip', 0o644)).toBeNull();
  });
});

/** Reads one PowerShell single-quoted literal: a doubled quote (any of the four) is one quote. */
function readSingleQuoted(literal: string): string {
  const quotes = "'\u2018\u2019\u201A\u201B";
  expect(quotes.includes(literal[0]!)).toBe(true);
  let out = '';
  for (let i = 1; i < literal.length; i++) {
    const ch = literal[i]!;
    if (quotes.includes(ch)) {
      if (i + 1 < literal.length && quotes.includes(literal[i + 1]!)) {
        out += ch;
        i++;
        continue;
      }
      expect(i).toBe(literal.length - 1); // the literal must end exactly here
      return out;
    }
    out += ch;
  }
  throw new Error('unterminated literal');
}

describe('quotePowerShell', () => {
  it.each(HOSTILE.map((s) => [JSON.stringify(s), s]))('round-trips %s', (_label, value) => {
    expect(readSingleQuoted(quotePowerShell(value!))).toBe(value);
  });

  it('doubles the typographic quotes PowerShell also ends strings at', () => {
    expect(quotePowerShell('a’b')).toBe("'a’’b'");
  });

  it('refuses a NUL byte', () => {
    expect(() => quotePowerShell('a\0b')).toThrow(/NUL/);
  });
});
