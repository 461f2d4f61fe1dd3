import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { configVariant, entries, faultWorld, hostName, sectionData, standInProcesses, type FaultWorld } from './fault-world.ts';

let world: FaultWorld;
let silent: Server;
const held: Socket[] = [];

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  world = await faultWorld();
  // Accepts TCP and never says a word: no SSH banner ever comes.
  silent = createServer((socket) => {
    held.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await world.close();
});

describe('hosts that cannot be reached', () => {
  it('a refused connection and a silent port are errors naming the host (exit 3); other platforms are still tested', async () => {
    const address = silent.address();
    if (typeof address !== 'object' || !address) throw new Error('no port');
    const config = await configVariant(world, 'unreachable.yaml', { retries: 0 }, {
      'linux/amd64': { port: await closedPort() },
      'linux/arm64': { port: address.port, timeouts: { connectSeconds: 2 } },
    });
    const run = await runCli(['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports'), '--json'], world.sb.env);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.verdict).toBe('error');
    const platform = (id: string) => report.platforms.find((p) => p.platform === id)!;

    const refused = platform('linux/amd64');
    expect(refused.verdict).toBe('error');
    const refusedUpload = refused.checks.find((c) => c.name === 'upload')!;
    expect(refusedUpload.status).toBe('error');
    expect(refusedUpload.detail).toContain(hostName('linux/amd64'));
    expect(refusedUpload.detail).toMatch(/refused/);
    expect(refused.checks.filter((c) => c.name === 'version' || c.name === 'boot').map((c) => c.status)).toEqual(['skipped', 'skipped']);

    const mute = platform('linux/arm64');
    expect(mute.verdict).toBe('error');
    const muteUpload = mute.checks.find((c) => c.name === 'upload')!;
    expect(muteUpload.status).toBe('error');
    expect(muteUpload.detail).toContain(hostName('linux/arm64'));
    expect(muteUpload.detail).toMatch(/no SSH answer within 2 s/);

    expect(platform('windows/amd64').verdict).toBe('pass');
    expect(platform('darwin/arm64').verdict).toBe('pass');

    const status = world.sb.fake.statuses(world.sb.commit)[0];
    expect(status).toMatchObject({ state: 'error', context: 'smoke-test' });
    expect(sectionData(world.sb)).toMatchObject({ state: 'done', verdict: 'error' });
    expect((world.sb.fake.release(world.sb.releaseId).body ?? '').startsWith(SANDBOX_BODY)).toBe(true);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
    for (const sshd of world.sb.hosts.values()) expect(standInProcesses(sshd.pid)).toEqual([]);
  }, 60_000);

  it('a run that throws after announcing itself leaves no `pending` status and no "testing" section', async () => {
    const { fake } = world.sb;
    // The reports folder cannot be made (a file is in the way): only reported, the run goes on.
    const blocker = join(world.dir, 'not-a-dir');
    writeFileSync(blocker, 'a file');
    // Once the run has announced itself, posting its result fails beyond the retries: the spine throws.
    const from = fake.requests.length;
    const arm = setInterval(() => {
      if (!fake.requests.slice(from).some((r) => r.operationId === 'repos/update-release')) return;
      clearInterval(arm);
      fake.fault({ kind: 'status', status: 502, times: 4, match: /^PATCH \/repos\/ephpm\/ephemerd\/releases\/\d+$/ });
    }, 10);
    const run = await runCli(['run', 'v0.0.1', '--config', world.sb.configPath, '--reports', join(blocker, 'reports'), '--platform', 'linux/amd64'], { ...world.sb.env, SMOKE_GITHUB_RETRY_BASE_MS: '5' }).finally(() =>
      clearInterval(arm),
    );
    // A pass whose posting failed too: no verdict.
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(`could not write the reports to ${join(blocker, 'reports', 'v0.0.1')}`);
    expect(run.stderr).toMatch(/smoke: GitHub: could not update the body of release \d+ .*502/);
    const status = world.sb.fake.statuses(world.sb.commit)[0];
    expect(status).toMatchObject({ state: 'error', context: 'smoke-test' });
    expect(status?.description).toMatch(/^no verdict: GitHub: could not update the body/);
    expect(sectionData(world.sb)).toMatchObject({ state: 'done', verdict: 'error' });
    expect((world.sb.fake.release(world.sb.releaseId).body ?? '').startsWith(SANDBOX_BODY)).toBe(true);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
  }, 60_000);
});
