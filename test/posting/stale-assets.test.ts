import { describe, expect, it } from 'vitest';
import type { Release, ReleaseAsset } from '../../src/github/types.ts';
import { staleAssets, staleSinceTested } from '../../src/posting/stale-assets.ts';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function asset(name: string, fields: Partial<ReleaseAsset> = {}): ReleaseAsset {
  return { id: 1, name, state: 'uploaded', digest: `sha256:${SHA_A}`, updated_at: '2026-07-01T10:00:00Z', ...fields } as ReleaseAsset;
}

function release(assets: ReleaseAsset[]): Release {
  return { id: 7, assets } as unknown as Release;
}

describe('stale assets', () => {
  it('a run: removed, re-uploaded or another digest since its own snapshot', () => {
    const tested = release([asset('a.zip'), asset('b.zip', { digest: null })]);
    expect(staleAssets(tested, release([asset('a.zip'), asset('b.zip', { digest: null })]), { 'a.zip': SHA_A, 'b.zip': SHA_B })).toEqual([]);
    expect(staleAssets(tested, release([asset('a.zip', { digest: `sha256:${SHA_B}` }), asset('b.zip', { digest: null, id: 2 })]), { 'a.zip': SHA_A, 'b.zip': SHA_B })).toEqual(['a.zip', 'b.zip']);
    expect(staleAssets(tested, release([]), { 'a.zip': SHA_A })).toEqual(['a.zip']);
  });

  it('a merge (no snapshot of the draft as tested): the digest is the only witness, so an asset without one is stale', () => {
    expect(staleSinceTested(release([asset('a.zip')]), { 'a.zip': SHA_A })).toEqual([]);
    expect(staleSinceTested(release([asset('a.zip', { digest: `sha256:${SHA_B}` })]), { 'a.zip': SHA_A })).toEqual(['a.zip']);
    expect(staleSinceTested(release([asset('a.zip'), asset('b.zip', { digest: null })]), { 'a.zip': SHA_A, 'b.zip': SHA_B })).toEqual(['b.zip']);
    expect(staleSinceTested(release([asset('a.zip', { state: 'open' })]), { 'a.zip': SHA_A })).toEqual(['a.zip']);
    expect(staleSinceTested(release([]), { 'a.zip': SHA_A })).toEqual(['a.zip']);
  });
});
