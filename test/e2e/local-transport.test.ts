import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { entries } from '../faults/fault-world.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function localSandbox(options: Omit<SandboxOptions, 'dir' | 'transport'> = {}): Promise<{ sb: Sandbox; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-local-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const sb = await startSandbox({ dir, transport: 'local', probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 3 } }, ...options });
  cleanups.push(() => sb.close());
  return { sb, dir };
}

/** Every process on this machine whose command line mentions `text` (the run's own folder). */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return ''; // ended while we looked
      }
    })
    .filter((cmd) => cmd.includes(text));
}

describe('transport: local (this machine is the host, no SSH)', () => {
  it('runs the whole check plan through the CLI and leaves no run directory and no process behind', async () => {
    const { sb, dir } = await localSandbox();
    expect(sb.hosts.size).toBe(0); // no sshd at all
    expect(readFileSync(sb.configPath, 'utf8')).toContain('transport: local');

    const check = await runCli(['hosts', 'check', '--config', sb.configPath], sb.env);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^sandbox-linux-amd64 .* local .* ok/m);
    expect(check.stdout).toContain('all 4 host(s) usable');

    const reports = join(dir, 'reports');
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', reports, '--json'], sb.env);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.platforms.map((p) => [p.platform, p.verdict])).toEqual([
      ['linux/amd64', 'pass'],
      ['linux/arm64', 'pass'],
      ['windows/amd64', 'pass'],
      ['darwin/arm64', 'pass'],
    ]);
    for (const platform of report.platforms) {
      // Upload (with the host's hash and extraction), --version and the boot probe all ran here.
      expect(platform.checks.map((c) => [c.name, c.status])).toEqual([
        ['asset', 'pass'],
        ['checksum', 'pass'],
        ['archive', 'pass'],
        ['build', 'pass'],
        // The static signature check is darwin's alone.
        ...(platform.platform === 'darwin/arm64' ? [['signature', 'pass']] : []),
        ['upload', 'pass'],
        ['version', 'pass'],
        ['boot', 'pass'],
      ]);
      expect(platform.checks.find((c) => c.name === 'boot')?.detail).toMatch(/healthz/);
    }
    expect(sb.fake.statuses(sb.commit)[0]).toMatchObject({ state: 'success', description: '4/4 platforms passed' });
    expect(entries(join(dir, 'work'))).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);

    const clean = await runCli(['hosts', 'clean', '--config', sb.configPath], sb.env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain("host sandbox-darwin-arm64: clean (nothing left by earlier runs)\n");
  }, 120_000);

  it('stops a daemon that ignores SIGTERM and a child that left its group, and still leaves the machine clean', async () => {
    const { sb, dir } = await localSandbox({
      behaviours: { 'linux/amd64': { variant: 'ignore-sigterm' }, 'linux/arm64': { variant: 'setsid-child' }, 'windows/amd64': { variant: 'never-ready' } },
      probes: { boot: { timeoutSeconds: 4, healthz: true, stopGraceSeconds: 1 } },
    });
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', join(dir, 'reports'), '--json', '--no-post'], sb.env);
    expect(run.stderr).not.toContain('internal error');
    const report = JSON.parse(run.stdout) as RunReport;
    const boot = (platform: string) => report.platforms.find((p) => p.platform === platform)?.checks.find((c) => c.name === 'boot');
    expect(boot('linux/amd64')?.detail).toMatch(/ignored SIGTERM for 1 s, killed$/);
    expect(boot('linux/arm64')).toMatchObject({ status: 'fail' });
    expect(boot('linux/arm64')?.detail).toMatch(/^ephemerd serve left 1 process running outside its process group: \d+ \(.*stand-in-escapee serve\); killed$/);
    expect(boot('windows/amd64')).toMatchObject({ status: 'fail', detail: 'no line matching /msg="ephemerd ready"/ within 4 s' });
    expect(boot('darwin/arm64')?.status).toBe('pass');
    expect(report.platforms.every((p) => p.verdict !== 'error')).toBe(true);
    expect(entries(join(dir, 'work'))).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);
    // The escapee's command line does not name the run: look for its pid instead.
    const escapee = /outside its process group: (\d+) /.exec(boot('linux/arm64')?.detail ?? '')?.[1];
    expect(escapee).toBeDefined();
    expect(existsSync(`/proc/${escapee}`) && readFileSync(`/proc/${escapee}/cmdline`, 'utf8').includes('stand-in-escapee')).toBe(false);
  }, 120_000);
});
