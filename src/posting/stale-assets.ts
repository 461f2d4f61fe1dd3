import type { Release } from '../github/types.ts';

/**
 * Tested archives that the draft no longer carries as they were: removed, re-uploaded (a new
 * asset id), or with a different digest. Pure: compares two snapshots of the release.
 */
export function staleAssets(tested: Release, current: Release, testedDigests: Record<string, string>): string[] {
  const stale: string[] = [];
  for (const [name, sha256] of Object.entries(testedDigests)) {
    const before = tested.assets.find((a) => a.name === name);
    const now = current.assets.find((a) => a.name === name);
    if (!now || now.state !== 'uploaded') {
      stale.push(name);
    } else if (now.digest ? now.digest !== `sha256:${sha256}` : now.id !== before?.id || now.updated_at !== before?.updated_at) {
      stale.push(name);
    }
  }
  return stale;
}

/**
 * `staleAssets` for results tested elsewhere (merged shards), when no snapshot of the release as
 * it was tested exists: the digest GitHub gives now is the only witness, so an asset without one
 * cannot be confirmed unchanged and counts as stale. Never a pass on a guess.
 */
export function staleSinceTested(current: Release, testedDigests: Record<string, string>): string[] {
  const unconfirmed = Object.keys(testedDigests).filter((name) => current.assets.some((a) => a.name === name && !a.digest));
  const stale = staleAssets(current, current, testedDigests);
  return [...stale, ...unconfirmed.filter((name) => !stale.includes(name))];
}
