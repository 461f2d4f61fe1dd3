import { ConfigError } from '../domain/errors.ts';
import { makeOctokit, userAgentOf, type ClientOptions, type GitHubClient } from './client.ts';
import { createCommitStatus, listCommitStatuses, type CommitStatusInput } from './commit-statuses.ts';
import { downloadAsset, type DownloadOptions, type Downloaded } from './download-asset.ts';
import { findDraftByTag } from './find-draft-by-tag.ts';
import { getRelease } from './get-release.ts';
import { listReleases } from './list-releases.ts';
import { listReleasesIfChanged, type ListedPage, type ReleasesIfChanged } from './list-releases-if-changed.ts';
import { resolveCommit, type ResolvedCommit } from './resolve-commit.ts';
import type { CommitStatus, Release, ReleaseAsset } from './types.ts';
import { updateReleaseBody } from './update-release-body.ts';

/** Everything the service asks of GitHub. Stages take the slice they need (`Pick<GitHub, ...>`). */
export interface GitHub {
  readonly repo: string;
  listReleases(): Promise<Release[]>;
  /** The releases unless every page still matches its ETag in `previous` (free 304s): one request a page per idle poll. */
  listReleasesIfChanged(previous: readonly ListedPage[] | null): Promise<ReleasesIfChanged>;
  findDraftByTag(tag: string): Promise<Release | null>;
  getRelease(releaseId: number): Promise<Release>;
  resolveCommit(release: Pick<Release, 'tag_name' | 'target_commitish'>): Promise<ResolvedCommit>;
  downloadAsset(asset: Pick<ReleaseAsset, 'id' | 'name' | 'size'>, destPath: string, options?: DownloadOptions): Promise<Downloaded>;
  updateReleaseBody(releaseId: number, body: string): Promise<Release>;
  createCommitStatus(sha: string, status: CommitStatusInput): Promise<CommitStatus>;
  listCommitStatuses(sha: string, context: string): Promise<CommitStatus[]>;
}

export interface GitHubOptions extends ClientOptions {
  /** `owner/name`. */
  repo: string;
}

export function createGitHub(options: GitHubOptions): GitHub {
  const [owner, repo, ...rest] = options.repo.split('/');
  if (!owner || !repo || rest.length > 0) throw new ConfigError(`repository "${options.repo}" is not of the form owner/name`);
  const client: GitHubClient = {
    octokit: makeOctokit(options),
    owner,
    repo,
    fullName: options.repo,
    token: options.token,
    userAgent: userAgentOf(options),
    retry: options.retry,
  };
  return {
    repo: options.repo,
    listReleases: () => listReleases(client),
    listReleasesIfChanged: (previous) => listReleasesIfChanged(client, previous),
    findDraftByTag: (tag) => findDraftByTag(client, tag),
    getRelease: (releaseId) => getRelease(client, releaseId),
    resolveCommit: (release) => resolveCommit(client, release),
    downloadAsset: (asset, destPath, downloadOptions) => downloadAsset(client, asset, destPath, downloadOptions),
    updateReleaseBody: (releaseId, body) => updateReleaseBody(client, releaseId, body),
    createCommitStatus: (sha, status) => createCommitStatus(client, sha, status),
    listCommitStatuses: (sha, context) => listCommitStatuses(client, sha, context),
  };
}
