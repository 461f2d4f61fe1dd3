import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostsCleanCommand } from '../../src/commands/hosts-clean.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { posixShell as shell } from '../../src/shells/posix.ts';
import { RUN_MARKER } from '../../src/shells/shell.ts';
import { processTree } from '../../src/sandbox/process-tree.ts';
import { ensureTestUser, hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';
import { captureIo } from '../support/cli-io.ts';

let root: SshdHandle;
let plain: SshdHandle;
let scratch: string;
beforeAll(async () => {
  [root, plain] = await Promise.all([startSshd(), startSshd({ user: 'smoke-test' })]);
  scratch = mkdtempSync(join(tmpdir(), 'smoke-hosts-clean-'));
});
afterAll(async () => {
  await Promise.all([root?.stop(), plain?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

function hostYaml(name: string, sshd: SshdHandle, workdir: string, port = sshd.port): string[] {
  return [
    `  - name: ${name}`,
    '    platform: linux/amd64',
    `    address: ${sshd.host}`,
    `    port: ${port}`,
    `    user: ${sshd.user}`,
    `    identityFile: ${JSON.stringify(sshd.clientKeyPath)}`,
    `    hostKey: ${sshd.hostKeyLine}`,
    `    workdir: ${JSON.stringify(workdir)}`,
    '    probes: { boot: { stopGraceSeconds: 1 } }',
  ];
}

async function clean(file: string, hosts: string[][]) {
  const path = join(scratch, file);
  writeFileSync(path, ['platforms:', '  linux/amd64:', 'hosts:', ...hosts.flat(), ''].join('\n'));
  const cap = captureIo();
  const code = await hostsCleanCommand({ config: path }, cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

/**
 * The leftover `sleep 300` under the sshd, seen from this machine (the sshd has its own PID
 * namespace). Until it has exec'd, it is still the `sh -c '…; exec sleep 300'` that wrote the pid file.
 */
function sleepersUnder(sshd: SshdHandle): number[] {
  return processTree(sshd.pid).filter((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      return cmdline === 'sleep\x00300\x00' || cmdline.endsWith("exec 'sleep' '300'\x00");
    } catch {
      return false; // ended while we looked
    }
  });
}

/** What an interrupted run leaves: a marked run dir and a live process group recorded in it. */
async function leaveRunBehind(sshd: SshdHandle, workdir: string): Promise<{ runDir: string; pid: number }> {
  const remote = await connectHost(hostConfigFor(sshd, { workdir }));
  try {
    const made = await remote.exec(shell.makeRunDir({ workdir, runId: 'interrupted' }), { timeoutMs: 10_000 });
    const runDir = made.stdout.trim();
    const started = await remote.exec(
      shell.startBackground({ argv: ['sleep', '300'], cwd: runDir, logFile: shell.joinPath(runDir, 'boot.log'), pidFile: shell.joinPath(runDir, 'pids', 'boot.pid'), sudo: false }),
      { timeoutMs: 10_000 },
    );
    expect(started.exitCode).toBe(0);
    return { runDir, pid: Number(started.stdout.trim()) };
  } finally {
    await remote.close();
  }
}

it('stops what a run left running, removes its directory and leaves other folders alone', async () => {
  const workdir = join(scratch, "work $(id) 'q'");
  mkdirSync(workdir);
  const foreign = join(workdir, 'smoke-not-ours');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'precious'), 'x');
  const { runDir, pid } = await leaveRunBehind(root, workdir);
  expect(sleepersUnder(root)).toHaveLength(1);

  const res = await clean('clean.yaml', [hostYaml('box-1', root, workdir)]);
  expect(res.code).toBe(0);
  expect(res.stdout).toBe(
    [
      'host box-1: found 1 leftover run(s)',
      `  ${runDir}: stopped process group ${pid} (SIGTERM), removed`,
      'host box-1: clean',
      '',
    ].join('\n'),
  );
  expect(sleepersUnder(root)).toEqual([]);
  expect(existsSync(runDir)).toBe(false);
  expect(readFileSync(join(foreign, 'precious'), 'utf8')).toBe('x');

  const again = await clean('clean.yaml', [hostYaml('box-1', root, workdir)]);
  expect(again).toEqual({ code: 0, stdout: 'host box-1: clean (nothing left by earlier runs)\n', stderr: '' });
});

it('exits 1 when a run directory cannot be removed, and says which', async () => {
  const user = ensureTestUser('smoke-test');
  const workdir = join(scratch, 'user-work');
  mkdirSync(workdir);
  chmodSync(scratch, 0o755); // mkdtemp's 0700 would hide the workdir from the login user
  chownSync(workdir, user.uid, user.gid);
  // A run dir the login user owns, holding a folder only root may empty: rm -rf fails halfway.
  const runDir = join(workdir, 'smoke-stuck-abc123');
  mkdirSync(join(runDir, 'pids'), { recursive: true });
  writeFileSync(join(runDir, RUN_MARKER), 'stuck\n');
  mkdirSync(join(runDir, 'locked'));
  writeFileSync(join(runDir, 'locked', 'file'), 'x');
  chownSync(runDir, user.uid, user.gid);

  const res = await clean('stuck.yaml', [hostYaml('box-2', plain, workdir)]);
  expect(res.code).toBe(1);
  expect(res.stdout).toContain(`  ${runDir}: NOT removed\n`);
  expect(res.stdout).toMatch(new RegExp(`  problem: could not remove ${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on box-2: .*Permission denied`));
  expect(res.stdout).toContain('host box-2: NOT clean\n');
  expect(res.stderr).toBe('smoke: 1 of 1 host(s) not clean\n');
  expect(existsSync(join(runDir, 'locked', 'file'))).toBe(true);
});

it('exits 1 naming an unreachable host and why, and still cleans the others', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const workdir = join(scratch, 'other-work');
  mkdirSync(workdir);

  const res = await clean('down.yaml', [hostYaml('box-down', root, workdir, port), hostYaml('box-up', root, workdir)]);
  expect(res.code).toBe(1);
  expect(res.stdout).toBe(
    [
      `host box-down: not cleaned: connection refused at 127.0.0.1:${port}`,
      'host box-up: clean (nothing left by earlier runs)',
      '',
    ].join('\n'),
  );
  expect(res.stderr).toBe('smoke: 1 of 2 host(s) not clean\n');
});
