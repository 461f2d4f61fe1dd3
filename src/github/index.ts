export { createGitHub, type GitHub, type GitHubOptions } from './github.ts';
export type { RetrySettings } from './client.ts';
export type { RetryNotice } from './retry-notices.ts';
export type { CommitStatusInput } from './commit-statuses.ts';
export type { DownloadOptions, Downloaded } from './download-asset.ts';
export type { ReleasesIfChanged } from './list-releases-if-changed.ts';
export type { ResolvedCommit } from './resolve-commit.ts';
export { RELEASES_HINT, STATUSES_HINT, TOKEN_HINT } from './to-github-error.ts';
export type { CommitStatus, Release, ReleaseAsset } from './types.ts';
