import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { faultWorld, sectionData, type FaultWorld } from './fault-world.ts';

let world: FaultWorld;
let full: string;
let mounted = false;

/** Every file under `dir`, with its size. */
function files(dir: string): { path: string; size: number }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, size: statSync(path).size }));
}

beforeAll(async () => {
  world = await faultWorld({}, async (dir) => {
    full = join(dir, 'reports-full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    mounted = true;
    // Fill it to the last block: creating a file still works, writing into it gives ENOSPC.
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(128 * 1024));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    }
  });
}, 120_000);

afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', full]);
  await world?.close();
});

describe('a full reports disk at the end of a finished run', () => {
  it('still posts the verdict, names the folder it could not write, keeps no empty report, and exits by the verdict', async () => {
    const { sb } = world;
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', full, '--platform', 'linux/amd64'], { ...sb.env, CI: '1' });
    expect(run.stderr).not.toContain('internal error');
    // The verdict is pass: the local failure does not turn it into "no verdict".
    expect(run.code, run.stderr).toBe(0);
    const data = sectionData(sb);
    expect(data).toMatchObject({ state: 'done', verdict: 'pass' });
    const folder = join(full, 'v0.0.1', data!.runId);
    expect(run.stderr).toContain(`smoke: local error: could not write the reports to ${folder}: ENOSPC: no space left on device`);
    expect(run.stderr).toContain('nothing half written was kept');
    const status = sb.fake.statuses(sb.commit)[0];
    expect(status).toMatchObject({ state: 'success', description: '1/1 platforms passed' });
    expect(sb.fake.release(sb.releaseId).body?.startsWith(SANDBOX_BODY)).toBe(true);
    // No 0-byte report.json or latest.json left to mislead a reader: only the filler is there.
    expect(files(full).map((f) => f.path)).toEqual([join(full, 'filler')]);
  }, 120_000);
});
