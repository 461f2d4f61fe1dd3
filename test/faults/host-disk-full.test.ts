import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { runCli } from '../support/cli-io.ts';
import { configVariant, entries, faultWorld, hostName, type FaultWorld } from './fault-world.ts';

let world: FaultWorld;
let full: string;
let mounted = false;

beforeAll(async () => {
  // Mounted before the sandbox starts: each sshd copies the mount table into its own namespace.
  world = await faultWorld({ sizeBytes: { 'linux/amd64': 5 * 1024 * 1024 } }, async (dir) => {
    full = join(dir, 'full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', full]);
    mounted = true;
  });
}, 120_000);

afterAll(async () => {
  // Unmounted first, so removing the temp dir can succeed; the sshd namespaces' copies end with them.
  if (mounted) execFileSync('umount', ['-l', full]);
  await world?.close();
});

describe('a host whose disk fills during the upload', () => {
  it('is an upload `error` naming the full disk, retried per config, and the run directory is removed', async () => {
    const config = await configVariant(world, 'full.yaml', { retries: 1 }, { 'linux/amd64': { workdir: full } });
    const run = await runCli(
      ['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports'), '--json', '--platform', 'linux/amd64', '--platform', 'linux/arm64'],
      world.sb.env,
    );
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as RunReport;
    const amd64 = report.platforms.find((p) => p.platform === 'linux/amd64')!;
    const upload = amd64.checks.find((c) => c.name === 'upload')!;
    expect(amd64.verdict).toBe('error');
    expect(upload.status).toBe('error');
    expect(upload.detail).toContain(hostName('linux/amd64'));
    expect(upload.detail).toMatch(/no space left/i);
    expect(run.stderr).toMatch(/retrying after: .*no space left/i);
    expect(amd64.checks.some((c) => c.name === 'cleanup')).toBe(false);
    expect(report.platforms.find((p) => p.platform === 'linux/arm64')?.verdict).toBe('pass');
    expect(entries(full)).toEqual([]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
    expect(world.sb.fake.statuses(world.sb.commit)[0]).toMatchObject({ state: 'error' });
  }, 120_000);
});
