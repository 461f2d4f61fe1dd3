import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostConfig } from '../../src/config/types.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import type { StandInVariant } from '../../src/sandbox/stand-in/behaviour.ts';
import { standInLauncher } from '../../src/sandbox/stand-in/launcher.ts';
import { buildFixtureRelease } from '../../src/sandbox/stand-in/release.ts';
import { defaultTestProbes, hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

export const TAG = 'v0.0.1';

export interface FixtureArchive {
  path: string;
  name: string;
  sha256: string;
  size: number;
}

export interface StandInHost {
  sshd: SshdHandle;
  remote: Remote;
  host: HostConfig;
  /** Scratch space on this machine. */
  work: string;
  /** The host's workdir: a path a naive shell would split or expand. */
  workdir: string;
  archives: Map<StandInVariant, FixtureArchive>;
  stop(): Promise<void>;
}

/** A real sshd on loopback whose host runs stand-in builds through their launcher, plus one archive per variant. */
export async function startStandInHost(variants: StandInVariant[]): Promise<StandInHost> {
  const work = mkdtempSync(join(tmpdir(), 'smoke-probes-'));
  const workdir = join(work, "host work $(id) 'q'");
  mkdirSync(workdir);
  const archives = new Map<StandInVariant, FixtureArchive>();
  for (const variant of variants) {
    // noisy: a few MiB are enough to need several reads; the default 20 MiB only costs time.
    const noise = variant === 'noisy' ? { noiseBytes: 3 * 1024 * 1024 } : {};
    const release = await buildFixtureRelease({
      dir: join(work, 'release', variant),
      tag: TAG,
      platforms: [{ platform: 'linux/amd64', behaviour: { version: TAG, variant, ...noise } }],
    });
    const asset = release.assets[0]!;
    archives.set(variant, { path: asset.path, name: asset.name, sha256: asset.sha256, size: asset.size });
  }
  const sshd = await startSshd();
  const probes = defaultTestProbes();
  probes.boot = {
    ...probes.boot,
    readyPattern: 'msg="ephemerd ready"',
    failPatterns: ['embedded .*is empty', 'Linux VM not started'],
    healthz: true,
    timeoutMs: 10_000,
    stopGraceMs: 1000,
  };
  const host = hostConfigFor(sshd, { launcher: standInLauncher(), workdir, probes });
  const remote = await connectHost(host);
  return {
    sshd,
    remote,
    host,
    work,
    workdir,
    archives,
    async stop() {
      await remote.close();
      await sshd.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** What is left of a run on this machine (the sshd shares the file system, and its pids are visible from here). */
export function leftovers(runDir: string): string[] {
  let pids = '';
  try {
    pids = execFileSync('pgrep', ['-f', runDir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')], { encoding: 'utf8' });
  } catch {
    pids = ''; // pgrep exits 1 when nothing matches: the clean case
  }
  return [...pids.split('\n').filter(Boolean).map((p) => `process ${p}`), ...(existsSync(runDir) ? [`dir ${runDir}`] : [])];
}
