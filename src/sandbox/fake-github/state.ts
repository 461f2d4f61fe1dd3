// The fake repository's data as plain records. How GitHub shapes them into JSON lives in
// representations.ts; this file only keeps and changes the facts.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FakeUser } from './representations.ts';
import type { NewAsset, NewRelease } from './types.ts';

export interface StoredRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  created_at: string;
  published_at: string | null;
  updated_at: string;
  assetIds: number[];
}

export type AssetSource = { file: string } | { bytes: Buffer };

export interface StoredAsset {
  id: number;
  releaseId: number;
  name: string;
  content_type: string;
  state: 'uploaded' | 'open';
  size: number;
  digest: string | null;
  source: AssetSource;
  created_at: string;
  updated_at: string;
  /** The secret part of the storage URL the API redirects to. */
  storageKey: string;
}

export interface StoredStatus {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  target_url: string | null;
  description: string | null;
  context: string;
  created_at: string;
  creator: FakeUser;
}

/** Second resolution, as GitHub formats timestamps. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const SHA = /^[0-9a-f]{40}$/;

/** Release, asset and status ids: unique across every repository of one fake, as on GitHub. */
export interface IdCounters {
  release: number;
  asset: number;
  status: number;
}

export function newIdCounters(): IdCounters {
  return { release: 200_000_001, asset: 300_000_001, status: 400_000_001 };
}

export class RepoState {
  readonly releases = new Map<number, StoredRelease>();
  readonly assets = new Map<number, StoredAsset>();
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  /** Oldest first; readers reverse. */
  readonly statuses: StoredStatus[] = [];
  constructor(private readonly ids: IdCounters = newIdCounters()) {}

  addRelease(r: NewRelease): StoredRelease {
    const now = isoNow();
    const draft = r.draft ?? false;
    const release: StoredRelease = {
      id: this.ids.release++,
      tag_name: r.tag_name,
      target_commitish: r.target_commitish ?? 'main',
      name: r.name ?? r.tag_name,
      body: r.body ?? null,
      draft,
      prerelease: r.prerelease ?? false,
      created_at: r.created_at ?? now,
      published_at: draft ? null : now,
      updated_at: now,
      assetIds: [],
    };
    this.releases.set(release.id, release);
    return release;
  }

  addAsset(releaseId: number, a: NewAsset): StoredAsset {
    const release = this.releases.get(releaseId);
    if (!release) throw new Error(`fake GitHub: no release ${releaseId}`);
    const source: AssetSource = a.file !== undefined ? { file: a.file } : { bytes: Buffer.from(a.content ?? '') };
    const measured = measure(source, a.digest === undefined || a.digest === 'auto');
    const now = isoNow();
    const asset: StoredAsset = {
      id: this.ids.asset++,
      releaseId,
      name: a.name,
      content_type: a.content_type ?? contentTypeFor(a.name),
      state: a.state ?? 'uploaded',
      size: measured.size,
      digest: a.digest === undefined || a.digest === 'auto' ? measured.digest : a.digest,
      source,
      created_at: now,
      updated_at: now,
      storageKey: randomBytes(16).toString('hex'),
    };
    this.assets.set(asset.id, asset);
    release.assetIds.push(asset.id);
    return asset;
  }

  removeAsset(assetId: number): void {
    const asset = this.assets.get(assetId);
    if (!asset) return;
    this.assets.delete(assetId);
    const release = this.releases.get(asset.releaseId);
    if (release) release.assetIds = release.assetIds.filter((id) => id !== assetId);
  }

  addStatus(s: Omit<StoredStatus, 'id' | 'created_at'>): StoredStatus {
    const status: StoredStatus = { ...s, id: this.ids.status++, created_at: isoNow() };
    this.statuses.push(status);
    return status;
  }

  statusesFor(sha: string): StoredStatus[] {
    return this.statuses.filter((s) => s.sha === sha).reverse();
  }

  /** Every SHA the repository knows: branch and tag tips, and releases targeting a SHA. */
  knownShas(): Set<string> {
    const shas = new Set([...this.branches.values(), ...this.tags.values()]);
    for (const r of this.releases.values()) if (SHA.test(r.target_commitish)) shas.add(r.target_commitish);
    return shas;
  }

  /** A branch, a tag, a full SHA or an abbreviated one (7+ hex digits), like GitHub's {ref}. */
  resolveCommit(ref: string): string | undefined {
    const named = this.branches.get(ref) ?? this.tags.get(ref);
    if (named) return named;
    if (!/^[0-9a-f]{7,40}$/.test(ref)) return undefined;
    const matches = [...this.knownShas()].filter((sha) => sha.startsWith(ref));
    return matches.length === 1 ? matches[0] : undefined;
  }
}

/** Reads a file in 1 MiB chunks so a 300 MB asset never sits in memory. */
function measure(source: AssetSource, withDigest: boolean): { size: number; digest: string | null } {
  if ('bytes' in source) {
    return { size: source.bytes.length, digest: withDigest ? `sha256:${createHash('sha256').update(source.bytes).digest('hex')}` : null };
  }
  const fd = openSync(source.file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (!withDigest) return { size, digest: null };
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
    return { size, digest: `sha256:${hash.digest('hex')}` };
  } finally {
    closeSync(fd);
  }
}

function contentTypeFor(name: string): string {
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'application/gzip';
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.txt')) return 'text/plain';
  return 'application/octet-stream';
}
