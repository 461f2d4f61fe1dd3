import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { EPHEMERD_PLATFORMS, type PlatformId } from '../domain/platform.ts';
import { startFakeGitHub, type FakeGitHub } from './fake-github/index.ts';
import { startPowerShellSshd } from './powershell-host.ts';
import { startSshd, type SshdHandle } from './sshd.ts';
import type { StandInBehaviour } from './stand-in/behaviour.ts';
import { standInLauncher } from './stand-in/launcher.ts';
import { buildFixtureRelease, type FixtureRelease } from './stand-in/release.ts';

export const SANDBOX_TOKEN = 'push-token';
export const SANDBOX_REPO = 'ephpm/ephemerd';
export const SANDBOX_BODY = '## ephemerd v0.0.1\n\nRelease notes written by a person. They stay exactly as they are.\n';

export interface SandboxOptions {
  /** Everything the sandbox writes goes here: archives, keys, hosts.yaml, the download cache. */
  dir: string;
  tag?: string;
  /** How each platform's stand-in binary behaves; `good` where not given. */
  behaviours?: Partial<Record<PlatformId, Partial<StandInBehaviour>>>;
  /** hosts.yaml additions under `probes:` (e.g. shorter boot timeouts in tests). */
  probes?: Record<string, unknown>;
  /** Binary sizes per platform, padded with random bytes so the archive is as large (slow uploads). */
  sizeBytes?: Partial<Record<PlatformId, number>>;
  /** The push token the fake accepts and `env` carries (default SANDBOX_TOKEN); tests scan for it. */
  token?: string;
  /**
   * windows/amd64's host: `powershell` (default), a real sshd whose commands run in PowerShell
   * (powershell-host.ts), or `posix` like the others, for tests about POSIX mechanics.
   */
  windowsShell?: 'powershell' | 'posix';
  /** Hosts whose sshd shares this machine's PID namespace, as a real host's does (see `SshdOptions`). */
  sharePidNamespace?: boolean;
}

export interface Sandbox {
  fake: FakeGitHub;
  hosts: Map<PlatformId, SshdHandle>;
  release: FixtureRelease;
  releaseId: number;
  commit: string;
  configPath: string;
  /** The environment a `smoke` command needs to use the sandbox. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A whole world on this machine: a fake GitHub with a draft of four platform archives, and one
 * real sshd on loopback per platform whose binaries run through the stand-in's launcher.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const tag = options.tag ?? 'v0.0.1';
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const release = await buildFixtureRelease({
      dir: join(options.dir, 'release'),
      tag,
      platforms: EPHEMERD_PLATFORMS.map((platform) => ({
        platform,
        behaviour: { version: tag, variant: 'good', ...options.behaviours?.[platform] },
        ...sizeOf(options, platform),
      })),
    });
    const token = options.token ?? SANDBOX_TOKEN;
    const fake = await startFakeGitHub(options.token ? { tokens: { [token]: 'push' } } : {});
    closers.push(() => fake.close());
    const commit = createHash('sha1').update(`sandbox ${tag}`).digest('hex');
    fake.setBranch('main', commit);
    const draft = fake.addRelease({ tag_name: tag, draft: true, target_commitish: 'main', name: `ephemerd ${tag}`, body: SANDBOX_BODY });
    for (const asset of release.assets) fake.addAsset(draft.id, { name: asset.name, file: asset.path });
    fake.addAsset(draft.id, { name: basename(release.checksumsPath), file: release.checksumsPath });

    const hosts = new Map<PlatformId, SshdHandle>();
    const powerShellOn = (platform: PlatformId) => platform.startsWith('windows/') && (options.windowsShell ?? 'powershell') === 'powershell';
    for (const platform of EPHEMERD_PLATFORMS) {
      // The stand-in's pretend service manager keeps its state in the sandbox, not in root's home.
      const sshdOptions = { sharePidNamespace: options.sharePidNamespace ?? false };
      const sshd = powerShellOn(platform)
        ? await startPowerShellSshd({ ...sshdOptions, env: { STANDIN_EPHEMERD_SERVICE_DIR: join(options.dir, 'service') } })
        : await startSshd(sshdOptions);
      closers.push(() => sshd.stop());
      hosts.set(platform, sshd);
    }
    const configPath = join(options.dir, 'hosts.yaml');
    await mkdir(join(options.dir, 'work'), { recursive: true });
    const standIns = [...hosts].map(([platform, sshd]) => ({
      name: `sandbox-${platform.replace('/', '-')}`,
      platform,
      sshd,
      shell: powerShellOn(platform) ? ('powershell' as const) : ('posix' as const),
    }));
    await writeFile(configPath, standInConfigYaml({ hosts: standIns, workdir: join(options.dir, 'work'), probes: options.probes ?? {} }));
    return {
      fake,
      hosts,
      release,
      releaseId: draft.id,
      commit,
      configPath,
      env: {
        GITHUB_API_URL: fake.url,
        GITHUB_TOKEN: token,
        GITHUB_REPOSITORY: SANDBOX_REPO,
        SMOKE_CACHE_DIR: join(options.dir, 'cache'),
        // The sandbox's hosts.yaml says everything; the user's ~/.ssh/config (a `Host *` with a
        // ProxyJump, say) must not reach its loopback hosts.
        HOME: join(options.dir, 'home'),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function sizeOf(options: SandboxOptions, platform: PlatformId): { sizeBytes?: number; padding?: 'random' } {
  const sizeBytes = options.sizeBytes?.[platform];
  return sizeBytes === undefined ? {} : { sizeBytes, padding: 'random' };
}

/**
 * The PowerShell host's boot timeout: reading the log and asking /healthz each start a
 * PowerShell, seconds apiece on a busy machine (as Windows PowerShell 5.1 takes on a real host).
 */
const POWERSHELL_BOOT_SECONDS = 90;

/** A test host on this machine, as hosts.yaml names it. */
export interface StandInHost {
  name: string;
  platform: PlatformId;
  sshd: SshdHandle;
  /** Default posix: this Linux machine, whatever platform it stands for. */
  shell?: 'posix' | 'powershell';
}

export interface StandInConfig {
  hosts: StandInHost[];
  /** Each host works in its own folder under it, `<workdir>/<host name>` (see `standInWorkdir`). */
  workdir: string;
  /** Merged over the sandbox's boot defaults under `probes:`. */
  probes?: Record<string, unknown>;
  /** Extra top-level keys (e.g. `concurrency`) and per-host keys (e.g. `timeouts`). */
  top?: Record<string, unknown>;
  host?: Record<string, unknown>;
}

/**
 * A stand-in host's workdir, made if missing. Never shared: each host's sshd has its own PID
 * namespace, so a host reading another's pid files would signal unrelated processes of its own
 * (`smoke hosts clean` did, now and then, in the SIGKILL fault test).
 */
export function standInWorkdir(workdir: string, hostName: string): string {
  const dir = join(workdir, hostName);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * hosts.yaml for hosts that are this Linux machine standing for any platform: the stand-in's
 * launcher runs every binary, and the size floor fits the stand-in's small binaries. PowerShell
 * hosts get a longer boot timeout: every command there starts a PowerShell.
 */
export function standInConfigYaml(input: StandInConfig): string {
  const platforms: Record<string, unknown> = {};
  for (const h of input.hosts) platforms[h.platform] = { minBinaryBytes: 256 };
  const config = {
    repo: SANDBOX_REPO,
    ...input.top,
    platforms,
    probes: { boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 }, ...input.probes },
    hosts: input.hosts.map(({ name, platform, sshd, shell }) => ({
      name,
      platform,
      address: sshd.host,
      port: sshd.port,
      user: sshd.user,
      identityFile: sshd.clientKeyPath,
      hostKey: sshd.hostKeyLine,
      // A Linux machine, whatever platform it stands for; the PowerShell host speaks PowerShell.
      shell: shell ?? 'posix',
      workdir: standInWorkdir(input.workdir, name),
      launcher: standInLauncher(),
      ...(shell === 'powershell' ? { probes: { boot: { timeoutSeconds: POWERSHELL_BOOT_SECONDS } } } : {}),
      ...input.host,
    })),
  };
  return `# Written by the sandbox: hosts on this machine standing for ephemerd's platforms.\n${stringify(config)}`;
}
