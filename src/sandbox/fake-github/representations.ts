// Stored records shaped into JSON exactly as GitHub returns them (checked against GitHub's
// OpenAPI schemas by test/sandbox/fake-github/schema.test.ts). URLs are built from the
// fake's own origin so a client that follows them stays on the fake.
import type { components } from '@octokit/openapi-types';
import type { StoredAsset, StoredRelease, StoredStatus } from './state.ts';

type Schemas = components['schemas'];

export interface Site {
  api: string;
  owner: string;
  repo: string;
  /** The repository's id; each repository of the fake has its own. */
  repoId?: number;
}

export interface FakeUser {
  login: string;
  id: number;
}

/** The account behind the push token: it creates the releases and uploads the assets. */
export const RELEASE_BOT: FakeUser = { login: 'ephpm-release-bot', id: 90_000_001 };
const OWNER_ID = 90_000_000;
const REPO_ID = 80_000_001;

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

export function repoPath(site: Site): string {
  return `${site.api}/repos/${site.owner}/${site.repo}`;
}

function htmlBase(site: Site): string {
  return `${site.api}/${site.owner}/${site.repo}`;
}

export function simpleUser(site: Site, user: FakeUser, type = 'User'): Schemas['simple-user'] {
  const url = `${site.api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('U', user.id),
    avatar_url: `${site.api}/avatars/u/${user.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${site.api}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function assetJson(site: Site, release: StoredRelease, a: StoredAsset): Schemas['release-asset'] {
  return {
    url: `${repoPath(site)}/releases/assets/${a.id}`,
    id: a.id,
    node_id: nodeId('RA', a.id),
    name: a.name,
    label: null,
    uploader: simpleUser(site, RELEASE_BOT, 'Bot'),
    content_type: a.content_type,
    state: a.state,
    size: a.size,
    digest: a.digest,
    download_count: 0,
    created_at: a.created_at,
    updated_at: a.updated_at,
    browser_download_url: `${htmlBase(site)}/releases/download/${encodeURIComponent(release.tag_name)}/${encodeURIComponent(a.name)}`,
  };
}

export function releaseJson(site: Site, r: StoredRelease, assets: StoredAsset[]): Schemas['release'] {
  const url = `${repoPath(site)}/releases/${r.id}`;
  // A draft has no tag yet: GitHub links it as untagged-<hash>.
  const htmlTag = r.draft ? `untagged-${r.id.toString(16)}` : encodeURIComponent(r.tag_name);
  return {
    url,
    assets_url: `${url}/assets`,
    upload_url: `${url}/assets{?name,label}`,
    html_url: `${htmlBase(site)}/releases/tag/${htmlTag}`,
    id: r.id,
    author: simpleUser(site, RELEASE_BOT, 'Bot'),
    node_id: nodeId('RE', r.id),
    tag_name: r.tag_name,
    target_commitish: r.target_commitish,
    name: r.name,
    draft: r.draft,
    immutable: false,
    prerelease: r.prerelease,
    created_at: r.created_at,
    updated_at: r.updated_at,
    published_at: r.published_at,
    assets: assets.map((a) => assetJson(site, r, a)),
    tarball_url: `${repoPath(site)}/tarball/${encodeURIComponent(r.tag_name)}`,
    zipball_url: `${repoPath(site)}/zipball/${encodeURIComponent(r.tag_name)}`,
    body: r.body,
  };
}

export function statusJson(site: Site, s: StoredStatus, creator: FakeUser): Schemas['status'] {
  const user = simpleUser(site, creator);
  return {
    url: `${repoPath(site)}/statuses/${s.sha}`,
    avatar_url: user.avatar_url,
    id: s.id,
    node_id: nodeId('SC', s.id),
    state: s.state,
    description: s.description,
    target_url: s.target_url,
    context: s.context,
    created_at: s.created_at,
    updated_at: s.created_at,
    creator: user,
  };
}

export function gitRefJson(site: Site, ref: string, sha: string): Schemas['git-ref'] {
  return {
    ref,
    node_id: nodeId('REF', site.repoId ?? REPO_ID),
    url: `${repoPath(site)}/git/${ref}`,
    object: { type: 'commit', sha, url: `${repoPath(site)}/git/commits/${sha}` },
  };
}

export function commitJson(site: Site, sha: string): Schemas['commit'] {
  const gitUser = { name: RELEASE_BOT.login, email: `${RELEASE_BOT.id}+${RELEASE_BOT.login}@users.noreply.github.com`, date: '2025-06-01T12:00:00Z' };
  return {
    sha,
    node_id: nodeId('C', parseInt(sha.slice(0, 8), 16)),
    url: `${repoPath(site)}/commits/${sha}`,
    html_url: `${htmlBase(site)}/commit/${sha}`,
    comments_url: `${repoPath(site)}/commits/${sha}/comments`,
    commit: {
      url: `${repoPath(site)}/git/commits/${sha}`,
      author: gitUser,
      committer: gitUser,
      message: 'Release',
      comment_count: 0,
      tree: { sha: sha.split('').reverse().join(''), url: `${repoPath(site)}/git/trees/${sha}` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: simpleUser(site, RELEASE_BOT, 'Bot'),
    committer: simpleUser(site, RELEASE_BOT, 'Bot'),
    parents: [],
    stats: { total: 0, additions: 0, deletions: 0 },
    files: [],
  };
}

export function branchJson(site: Site, name: string, sha: string): Schemas['branch-with-protection'] {
  const url = `${repoPath(site)}/branches/${encodeURIComponent(name)}`;
  return {
    name,
    commit: commitJson(site, sha),
    _links: { self: url, html: `${htmlBase(site)}/tree/${encodeURIComponent(name)}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${url}/protection`,
  };
}

export function minimalRepositoryJson(site: Site): Schemas['minimal-repository'] {
  const url = repoPath(site);
  return {
    id: site.repoId ?? REPO_ID,
    node_id: nodeId('R', site.repoId ?? REPO_ID),
    name: site.repo,
    full_name: `${site.owner}/${site.repo}`,
    private: false,
    owner: simpleUser(site, { login: site.owner, id: OWNER_ID }, 'Organization'),
    html_url: htmlBase(site),
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
  };
}
