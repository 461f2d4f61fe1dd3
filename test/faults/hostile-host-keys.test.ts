import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { extractSection } from '../../src/posting/body-section.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { forbiddenWrites } from '../e2e/publish-guard.ts';
import { runCli, type CliRun } from '../support/cli-io.ts';

// No connection proceeds without a verified host key unless the host opted out in writing.
// A wrong pinned key (another real sshd's key) must stop the platform before anything runs;
// `insecureAcceptAnyHostKey: true` runs, and every report says so.

let dir: string;
let sb: Sandbox;
let run: CliRun;
let report: RunReport;
let pinnedWorkdir: string;
const WRONG = 'sandbox-linux-amd64';
const INSECURE = 'sandbox-linux-arm64';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-host-keys-'));
  sb = await startSandbox({ dir, probes: { boot: { mode: 'off' } } });
  pinnedWorkdir = join(dir, 'work-wrong-key');
  await mkdir(pinnedWorkdir);
  const raw = parse(await readFile(sb.configPath, 'utf8')) as { hosts: Array<Record<string, unknown>> };
  for (const host of raw.hosts) {
    if (host.name === WRONG) {
      // A real key, just not this host's: the darwin sshd's.
      host.hostKey = sb.hosts.get('darwin/arm64')!.hostKeyLine;
      host.workdir = pinnedWorkdir;
    }
    if (host.name === INSECURE) {
      delete host.hostKey;
      host.insecureAcceptAnyHostKey = true;
    }
  }
  await writeFile(sb.configPath, stringify(raw));
  const argv = ['run', 'v0.0.1', '--config', sb.configPath, '--reports', join(dir, 'reports'), '--json', '--platform', 'linux/amd64', '--platform', 'linux/arm64'];
  run = await runCli(argv, sb.env);
  report = JSON.parse(run.stdout) as RunReport;
}, 120_000);
afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

const platform = (id: string) => report.platforms.find((p) => p.platform === id);

describe('host keys through `smoke run`', () => {
  it('a wrong pinned hostKey: that platform is an error naming both fingerprints, exit 3, nothing ran there', () => {
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(3);
    expect(platform('linux/amd64')?.verdict).toBe('error');
    const upload = platform('linux/amd64')?.checks.find((c) => c.name === 'upload');
    expect(upload?.status).toBe('error');
    expect(upload?.detail).toContain(WRONG);
    expect(upload?.detail).toContain(sb.hosts.get('darwin/arm64')!.hostKeyFingerprint);
    expect(upload?.detail).toContain(sb.hosts.get('linux/amd64')!.hostKeyFingerprint);
    expect(platform('linux/amd64')?.checks.filter((c) => c.name === 'version')).toEqual([expect.objectContaining({ status: 'skipped' })]);
    expect(existsSync(pinnedWorkdir) ? readdirSync(pinnedWorkdir) : []).toEqual([]);
    expect(forbiddenWrites(sb.fake)).toEqual([]);
  });

  it('insecureAcceptAnyHostKey: true is said as a warning while the run goes, by its YAML key', () => {
    expect(run.stderr).toContain(`warning: ${INSECURE}: host key not checked (insecureAcceptAnyHostKey: true in hosts.yaml)`);
    expect(run.stderr).not.toContain(`warning: ${WRONG}: host key not checked`);
  });

  it('insecureAcceptAnyHostKey: true runs, and report.json and the body section say the key was not verified', () => {
    expect(platform('linux/arm64')).toMatchObject({ verdict: 'pass', host: INSECURE, insecureHostKey: true });
    expect(report.insecureHosts).toEqual([INSECURE]);
    expect(platform('linux/amd64')?.insecureHostKey).toBeUndefined();
    const section = extractSection(sb.fake.release(sb.releaseId).body ?? '') ?? '';
    expect(section).toContain(INSECURE);
    expect(section).toMatch(/unverified host key|insecureAcceptAnyHostKey/);
  });
});
