import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { extractSection, parseSectionData } from '../../src/posting/body-section.ts';
import type { SectionData } from '../../src/posting/section-data.ts';
import { processTree } from '../../src/sandbox/process-tree.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';

export interface FaultWorld {
  sb: Sandbox;
  dir: string;
  close(): Promise<void>;
}

/** A sandbox with short probe timeouts, in a temp dir removed on close. `prepare` runs before sshd starts. */
export async function faultWorld(options: Omit<SandboxOptions, 'dir'> = {}, prepare?: (dir: string) => Promise<void>): Promise<FaultWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-faults-'));
  await prepare?.(dir);
  const sb = await startSandbox({
    dir,
    probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 2 } },
    ...options,
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    sb,
    dir,
    async close() {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type RawHost = Record<string, unknown> & { name: string; platform: string };
type RawConfig = Record<string, unknown> & { hosts: RawHost[] };

/** Writes a variant of the sandbox's hosts.yaml (top-level keys and per-platform host changes); returns its path. */
export async function configVariant(
  world: FaultWorld,
  name: string,
  top: Record<string, unknown>,
  hosts: Record<string, Record<string, unknown>> = {},
  only?: readonly string[],
): Promise<string> {
  const raw = parse(await readFile(world.sb.configPath, 'utf8')) as RawConfig & { platforms: Record<string, unknown> };
  const keep = (platform: string) => only === undefined || only.includes(platform);
  const config: RawConfig = {
    ...raw,
    platforms: Object.fromEntries(Object.entries(raw.platforms).filter(([p]) => keep(p))),
    ...top,
    hosts: raw.hosts.filter((h) => keep(h.platform)).map((h) => ({ ...h, ...hosts[h.platform] })),
  };
  const path = join(world.dir, name);
  await writeFile(path, stringify(config));
  return path;
}

export function hostName(platform: string): string {
  return `sandbox-${platform.replace('/', '-')}`;
}

/** Run directories left under a workdir; in the sandbox's, under each host's own folder. */
export function entries(workdir: string): string[] {
  if (!existsSync(workdir)) return [];
  return readdirSync(workdir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() && !d.name.startsWith('smoke-') ? readdirSync(join(workdir, d.name)).map((n) => `${d.name}/${n}`) : [d.name],
  );
}

/** Stand-in ephemerd processes under an sshd (each sshd is init of its own PID namespace). */
export function standInProcesses(root: number): string[] {
  return processTree(root)
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return ''; // ended while we looked
      }
    })
    .filter((cmd) => cmd.includes('ephemerd.mjs'));
}

/** A person edits the draft's body on GitHub (through the fake's HTTP API, as a browser's edit would reach it). */
export async function setDraftBody(sb: Sandbox, body: string): Promise<void> {
  const res = await fetch(`${sb.fake.url}/repos/ephpm/ephemerd/releases/${sb.releaseId}`, {
    method: 'PATCH',
    headers: { authorization: `token ${sb.env.GITHUB_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  if (res.status !== 200) throw new Error(`setting the draft's body: HTTP ${res.status}`);
}

export function sectionData(sb: Sandbox): SectionData | null {
  return parseSectionData(extractSection(sb.fake.release(sb.releaseId).body ?? null) ?? '');
}

/** Resolves once `ephemerd serve` runs under the sshd (a boot probe is waiting for it); polls /proc. */
export async function whenServing(sshdPid: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (standInProcesses(sshdPid).some((cmd) => cmd.includes(' serve'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('ephemerd serve never started on the host');
}
