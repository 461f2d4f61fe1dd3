import type { components } from '@octokit/openapi-types';

export type Release = components['schemas']['release'];
export type ReleaseAsset = components['schemas']['release-asset'];
export type CommitStatus = components['schemas']['status'];
export type Access = 'push' | 'read';

export interface FakeGitHubOptions {
  /** Default 'ephpm' / 'ephemerd'. */
  owner?: string;
  repo?: string;
  /**
   * Default { 'push-token': 'push', 'read-token': 'read' }. Any other token => 401; no
   * Authorization at all => anonymous, which sees published releases only.
   */
  tokens?: Record<string, Access>;
  /** X-RateLimit-Limit, default 5000. */
  rateLimit?: number;
}

export interface NewRelease {
  tag_name: string;
  draft?: boolean;
  prerelease?: boolean;
  target_commitish?: string;
  body?: string | null;
  name?: string;
  /** When the release was created (default now): a test can age a draft. */
  created_at?: string;
}

export interface NewAsset {
  name: string;
  /** Path on disk; served by streaming, never read whole. */
  file?: string;
  content?: string | Buffer;
  state?: 'uploaded' | 'open';
  /** 'auto' (default) => "sha256:<hex of the bytes>"; null like assets uploaded before June 2025. */
  digest?: 'auto' | null | string;
  content_type?: string;
}

export interface FakeReleaseHandle {
  id: number;
  tag_name: string;
  addAsset(asset: NewAsset): { id: number };
}

export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 | 504; times?: number; match?: RegExp }
  | { kind: 'secondary-rate-limit'; retryAfterSeconds: number; times?: number; match?: RegExp }
  | { kind: 'primary-rate-limit'; resetInSeconds: number; times?: number; match?: RegExp }
  | { kind: 'truncate'; afterBytes: number; times?: number }
  | { kind: 'slow'; bytesPerSecond: number; times?: number }
  | { kind: 'storage-status'; status: 403 | 500; times?: number }
  /** Storage answers a download of this asset only once `until` settles: a test orders downloads by construction. */
  | { kind: 'hold'; asset: string; until: Promise<unknown>; times?: number };

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  hasAuthorization: boolean;
  origin: 'api' | 'storage';
  status: number;
  rateLimited: boolean;
  /** The GitHub operation that answered (API origin only, when the route was known). */
  operationId?: string;
  /** The parsed JSON request body (PATCH, POST). */
  requestBody?: unknown;
  /** The JSON response body as sent; absent for 302, 304 and storage bytes. */
  responseBody?: unknown;
}

/** One repository of the fake: its releases, refs and statuses. */
export interface FakeRepository {
  /** `owner/name`. */
  fullName: string;
  addRelease(release: NewRelease): FakeReleaseHandle;
  addAsset(releaseId: number, asset: NewAsset): { id: number };
  removeAsset(assetId: number): void;
  setBranch(name: string, sha: string): void;
  setTag(name: string, sha: string): void;
  /** The stored release as GitHub would return it to a push token. */
  release(id: number): Release;
  /** Commit statuses posted for a SHA, newest first. */
  statuses(sha: string): CommitStatus[];
}

/** The fake itself; the repository methods act on its first repository (`owner`/`repo` of the options). */
export interface FakeGitHub extends FakeRepository {
  /** API origin, e.g. http://127.0.0.1:41234 (pass as baseUrl / GITHUB_API_URL). */
  url: string;
  /** The second origin the asset endpoint redirects to. */
  storageUrl: string;
  /** Serves one more repository (ids stay unique across them, as on GitHub); any repository not added is a 404. */
  addRepository(fullName: string): FakeRepository;
  /** Queues a fault; it applies to the next `times` (default 1) matching requests. */
  fault(fault: Fault): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
