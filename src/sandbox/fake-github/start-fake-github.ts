// Starts the fake GitHub: an API origin and a storage origin, both on 127.0.0.1 with a
// free port, serving in-memory repositories (one unless a test adds more).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest, type FakeRepo } from './api-server.ts';
import { FaultQueue } from './faults.ts';
import { RateLimits } from './rate-limit.ts';
import { releaseJson, statusJson } from './representations.ts';
import { newIdCounters, RepoState } from './state.ts';
import { handleStorageRequest } from './storage-server.ts';
import type { FakeGitHub, FakeGitHubOptions, FakeRepository, NewAsset, RecordedRequest } from './types.ts';

const DEFAULT_TOKENS = { 'push-token': 'push', 'read-token': 'read' } as const;

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const ids = newIdCounters();
  const repos = new Map<string, FakeRepo>();
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const record = (r: RecordedRequest): void => {
    requests.push(r);
  };
  const rateLimits = new RateLimits(options.rateLimit ?? 5000);
  const tokens = options.tokens ?? { ...DEFAULT_TOKENS };

  const storage = await listen((req, res) => handleStorageRequest({ states: () => [...repos.values()].map((r) => r.state), faults, record }, req, res));
  const storageUrl = origin(storage);
  // The API's origin is known only once it listens; handlers read it at request time.
  const apiOrigin = { api: '' };
  const api = await listen((req, res) => {
    handleApiRequest({ origin: apiOrigin, repos, storageUrl, tokens, faults, rateLimits, record }, req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  apiOrigin.api = origin(api);

  const addRepository = (fullName: string): FakeRepository => {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length > 0) throw new Error(`fake GitHub: ${fullName} is not owner/name`);
    if (repos.has(fullName.toLowerCase())) throw new Error(`fake GitHub: ${fullName} exists already`);
    const repo: FakeRepo = { state: new RepoState(ids), site: { api: apiOrigin.api, owner, repo: name, repoId: 80_000_001 + repos.size } };
    repos.set(fullName.toLowerCase(), repo);
    return repositoryHandle(repo);
  };
  const main = addRepository(`${options.owner ?? 'ephpm'}/${options.repo ?? 'ephemerd'}`);
  return {
    url: apiOrigin.api,
    storageUrl,
    requests,
    ...main,
    addRepository,
    fault: (fault) => faults.push(fault),
    close: async () => {
      await Promise.all([stop(api), stop(storage)]);
    },
  };
}

/** What a test does with one repository of the fake. */
function repositoryHandle({ state, site }: FakeRepo): FakeRepository {
  const addAsset = (releaseId: number, asset: NewAsset): { id: number } => ({ id: state.addAsset(releaseId, asset).id });
  return {
    fullName: `${site.owner}/${site.repo}`,
    addRelease(release) {
      const stored = state.addRelease(release);
      return { id: stored.id, tag_name: stored.tag_name, addAsset: (asset) => addAsset(stored.id, asset) };
    },
    addAsset,
    removeAsset: (assetId) => state.removeAsset(assetId),
    setBranch: (name, sha) => void state.branches.set(name, sha),
    setTag: (name, sha) => void state.tags.set(name, sha),
    release(id) {
      const stored = state.releases.get(id);
      if (!stored) throw new Error(`fake GitHub: no release ${id} in ${site.owner}/${site.repo}`);
      return releaseJson(site, stored, stored.assetIds.flatMap((a) => state.assets.get(a) ?? []));
    },
    statuses: (sha) => state.statusesFor(sha).map((s) => statusJson(site, s, s.creator)),
  };
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function origin(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address}:${port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections (fetch pools them) would otherwise hold close() open.
    server.closeAllConnections();
  });
}
