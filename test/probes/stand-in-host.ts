import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostConfig } from '../../src/config/types.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import type { PlatformId } from '../../src/domain/platform.ts';
import { startPowerShellSshd } from '../../src/sandbox/powershell-host.ts';
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

export interface StandInHostOptions {
  /** Default linux/amd64; windows/amd64 gets the PowerShell host and zip archives. */
  platform?: PlatformId;
  /** PowerShell host only: the SSH exit status every command gets, whatever it did. */
  loseExitStatus?: number;
}

/**
 * A real sshd on loopback whose host runs stand-in builds through their launcher, plus one
 * archive per variant. For windows/* the host is the PowerShell one (`shell: powershell`).
 */
export async function startStandInHost(variants: StandInVariant[], options: StandInHostOptions = {}): Promise<StandInHost> {
  const platform = options.platform ?? 'linux/amd64';
  const windows = platform.startsWith('windows/');
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
      platforms: [{ platform, behaviour: { version: TAG, variant, ...noise } }],
    });
    const asset = release.assets[0]!;
    archives.set(variant, { path: asset.path, name: asset.name, sha256: asset.sha256, size: asset.size });
  }
  // The stand-in's pretend service manager keeps its state per host, not in root's home.
  const serviceDir = join(work, 'service');
  const sshd = windows
    ? await startPowerShellSshd({ env: { STANDIN_EPHEMERD_SERVICE_DIR: serviceDir }, ...(options.loseExitStatus === undefined ? {} : { loseExitStatus: options.loseExitStatus }) })
    : await startSshd();
  const probes = defaultTestProbes();
  probes.boot = {
    ...probes.boot,
    readyPattern: 'msg="ephemerd ready"',
    failPatterns: ['embedded .*is empty', 'Linux VM not started'],
    healthz: true,
    timeoutMs: 10_000,
    stopGraceMs: 1000,
  };
  const host = hostConfigFor(sshd, { platform, shell: windows ? 'powershell' : 'posix', launcher: standInLauncher(), workdir, probes });
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
