// The shapes live in domain/ (pure code reads them too); the adapter's own name for them stays.
export type { CommitStatus, Release, ReleaseAsset } from '../domain/github-types.ts';
