// A bench world: a fake GitHub with one draft whose archives have the sizes asked for, real
// sshd hosts on loopback, and a hosts.yaml for the CLI. Like src/sandbox/sandbox.ts, but with
// archive sizes and host layouts the sandbox does not offer.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EPHEMERD_PLATFORMS, type PlatformId } from '../../src/domain/platform.ts';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { SANDBOX_REPO, SANDBOX_TOKEN, standInConfigYaml } from '../../src/sandbox/sandbox.ts';
import { startPowerShellSshd } from '../../src/sandbox/powershell-host.ts';
import { startSshd, type SshdHandle } from '../../src/sandbox/sshd.ts';
import type { StandInBehaviour } from '../../src/sandbox/stand-in/behaviour.ts';
import { buildFixtureRelease, type FixtureRelease } from '../../src/sandbox/stand-in/release.ts';

export const MiB = 1024 * 1024;
export const TAG = 'v0.0.1';

export interface WorldOptions {
  dir: string;
  /** Binary size per platform (random padding: the archive is as large). */
  sizes: Record<PlatformId, number>;
  readyAfterMs?: number;
  /** Hosts per platform (default 1); the first of a platform may be stopped to force failover. */
  hostsPer?: Partial<Record<PlatformId, number>>;
  /** A world with no draft: only a published release (an idle watch). */
  noDraft?: boolean;
  /** Lines for archives that do not exist appended to checksums.txt until it is this large (a hostile or broken pipeline). */
  checksumsBytes?: number;
  /** How every platform's stand-in behaves beyond its version (default: a good build). */
  behaviour?: Omit<StandInBehaviour, 'version'>;
  /** The boot probe's timeout (default 60 s). */
  bootTimeoutSeconds?: number;
}

export interface World {
  fake: FakeGitHub;
  release: FixtureRelease | null;
  /** The draft's id; 0 when there is none. */
  releaseId: number;
  hosts: Array<{ platform: PlatformId; sshd: SshdHandle; shell: 'posix' | 'powershell' }>;
  configPath: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    await mkdir(options.dir, { recursive: true });
    closers.push(() => rm(options.dir, { recursive: true, force: true }));
    const fake = await startFakeGitHub();
    closers.push(() => fake.close());
    const commit = createHash('sha1').update(`bench ${TAG}`).digest('hex');
    fake.setBranch('main', commit);
    let release: FixtureRelease | null = null;
    let releaseId = 0;
    if (options.noDraft) {
      fake.addRelease({ tag_name: 'v0.0.0', draft: false, target_commitish: 'main', name: 'ephemerd v0.0.0', body: 'published' });
    } else {
      release = await buildFixtureRelease({
        dir: join(options.dir, 'release'),
        tag: TAG,
        padding: 'random',
        platforms: EPHEMERD_PLATFORMS.map((platform) => ({
          platform,
          sizeBytes: options.sizes[platform],
          behaviour: { version: TAG, variant: 'good', ...(options.readyAfterMs ? { readyAfterMs: options.readyAfterMs } : {}), ...options.behaviour },
        })),
      });
      const draft = fake.addRelease({ tag_name: TAG, draft: true, target_commitish: 'main', name: `ephemerd ${TAG}`, body: 'notes\n' });
      releaseId = draft.id;
      // The digest is known already: spare the fake a second pass over a 700 MiB file.
      for (const a of release.assets) fake.addAsset(draft.id, { name: a.name, file: a.path, digest: `sha256:${a.sha256}` });
      const checksums = options.checksumsBytes ? await paddedChecksums(release.checksumsPath, options.checksumsBytes) : release.checksumsPath;
      fake.addAsset(draft.id, { name: basename(release.checksumsPath), file: checksums });
    }
    const hosts: World['hosts'] = [];
    for (const platform of EPHEMERD_PLATFORMS) {
      for (let i = 0; i < (options.hostsPer?.[platform] ?? 1); i++) {
        // windows/amd64's host is the PowerShell host: its row measures the real SFTP path and PowerShell.
        const windows = platform.startsWith('windows/');
        const sshd = windows ? await startPowerShellSshd({ env: { STANDIN_EPHEMERD_SERVICE_DIR: join(options.dir, 'service') } }) : await startSshd();
        closers.push(() => sshd.stop());
        hosts.push({ platform, sshd, shell: windows ? 'powershell' : 'posix' });
      }
    }
    const workdir = join(options.dir, 'work');
    await mkdir(workdir, { recursive: true });
    const configPath = join(options.dir, 'hosts.yaml');
    await writeFile(
      configPath,
      standInConfigYaml({
        hosts: hosts.map(({ platform, sshd, shell }, i) => ({ name: `bench-${i}-${platform.replace('/', '-')}`, platform, sshd, shell })),
        workdir,
        top: { concurrency: 4 },
        probes: { boot: { timeoutSeconds: options.bootTimeoutSeconds ?? 60, healthz: true, stopGraceSeconds: 3 } },
        // Generous: the bench shares two cores with whatever else runs.
        host: { timeouts: { connectSeconds: 10, commandSeconds: 300 } },
      }),
    );
    return {
      fake,
      release,
      releaseId,
      hosts,
      configPath,
      env: { GITHUB_API_URL: fake.url, GITHUB_TOKEN: SANDBOX_TOKEN, GITHUB_REPOSITORY: SANDBOX_REPO, SMOKE_CACHE_DIR: join(options.dir, 'cache') },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** checksums.txt with junk lines after the real ones up to `bytes`, written in pieces (never whole in memory). */
async function paddedChecksums(path: string, bytes: number): Promise<string> {
  const padded = `${path}.padded`;
  const out = createWriteStream(padded);
  let written = 0;
  const write = (text: string) => {
    written += Buffer.byteLength(text);
    return out.write(text) ? Promise.resolve() : once(out, 'drain').then(() => undefined);
  };
  await write(await readFile(path, 'utf8'));
  for (let n = 0; written < bytes; ) {
    let piece = '';
    for (let i = 0; i < 10_000; i++, n++) piece += `${'ab'.repeat(32)}  ephemerd_${TAG}_junk_${n}.tar.gz\n`;
    await write(piece);
  }
  out.end();
  await once(out, 'close');
  return padded;
}
