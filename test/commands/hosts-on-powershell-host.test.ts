import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostsCheckCommand } from '../../src/commands/hosts-check.ts';
import { hostsCleanCommand } from '../../src/commands/hosts-clean.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { startPowerShellSshd } from '../../src/sandbox/powershell-host.ts';
import { powerShell as ps } from '../../src/shells/powershell.ts';
import { hostConfigFor, type SshdHandle } from '../support/sshd.ts';
import { leftovers } from '../probes/stand-in-host.ts';
import { captureIo } from '../support/cli-io.ts';

// `smoke hosts check` and `smoke hosts clean` against the PowerShell host, through hosts.yaml.
let sshd: SshdHandle;
let scratch: string;
let workdir: string;
beforeAll(async () => {
  sshd = await startPowerShellSshd();
  scratch = mkdtempSync(join(tmpdir(), 'smoke-ps-hosts-'));
  workdir = join(scratch, 'work [w]');
  mkdirSync(workdir);
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function writeConfig(file: string, host: string[]): string {
  const path = join(scratch, file);
  const lines = [
    'platforms:',
    '  windows/amd64:',
    'hosts:',
    '  - name: win-1',
    '    platform: windows/amd64',
    `    address: ${sshd.host}`,
    `    port: ${sshd.port}`,
    `    user: ${sshd.user}`,
    `    identityFile: ${JSON.stringify(sshd.clientKeyPath)}`,
    `    hostKey: ${sshd.hostKeyLine}`,
    ...host.map((l) => `    ${l}`),
    '',
  ];
  writeFileSync(path, lines.join('\n'));
  return path;
}

it('hosts check: the PowerShell host reports windows/amd64, its workdir and free disk', { timeout: 120_000 }, async () => {
  const cap = captureIo();
  const code = await hostsCheckCommand({ config: writeConfig('check.yaml', [`workdir: ${JSON.stringify(workdir)}`]) }, cap.io);
  expect(code, cap.stdout()).toBe(0);
  const row = cap.stdout().split('\n').find((l) => l.startsWith('win-1 '));
  expect(row).toMatch(/^win-1\s+windows\/amd64\s+windows\/amd64\s+\d[\d.]* [KMGT]i?B\s+not asked\s+verified\s+ok$/);
});

it('hosts clean: stops what a run left running with taskkill, and removes its directory', { timeout: 180_000 }, async () => {
  const remote = await connectHost(hostConfigFor(sshd, { platform: 'windows/amd64', shell: 'powershell' }));
  let runDir: string;
  let pid: number;
  try {
    runDir = (await remote.exec(ps.makeRunDir({ workdir, runId: 'interrupted' }), { timeoutMs: 60_000 })).stdout.trim();
    const started = await remote.exec(
      ps.startBackground({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)', runDir], cwd: runDir, logFile: join(runDir, 'boot.log'), pidFile: join(runDir, 'pids', 'boot.pid'), sudo: false }),
      { timeoutMs: 60_000 },
    );
    expect(started.exitCode, started.stderr).toBe(0);
    pid = Number(started.stdout.trim());
  } finally {
    await remote.close();
  }
  expect(leftovers(runDir)).toHaveLength(2); // the process and the directory

  const cap = captureIo();
  const code = await hostsCleanCommand({ config: writeConfig('clean.yaml', [`workdir: ${JSON.stringify(workdir)}`, 'probes: { boot: { stopGraceSeconds: 1 } }']) }, cap.io);
  expect(code, cap.stdout() + cap.stderr()).toBe(0);
  expect(cap.stdout()).toBe(['host win-1: found 1 leftover run(s)', `  ${runDir}: killed process group ${pid}, removed`, 'host win-1: clean', ''].join('\n'));
  expect(leftovers(runDir)).toEqual([]);
  expect(existsSync(runDir)).toBe(false);
});
