// Starts the fake GitHub: an API origin and a storage origin, both on 127.0.0.1 with a
// free port, sharing one in-memory repository.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest } from './api-server.ts';
import { FaultQueue } from './faults.ts';
import { RateLimits } from './rate-limit.ts';
import { releaseJson, statusJson } from './representations.ts';
import type { Site } from './representations.ts';
import { RepoState } from './state.ts';
import { handleStorageRequest } from './storage-server.ts';
import type { FakeGitHub, FakeGitHubOptions, NewAsset, RecordedRequest } from './types.ts';

const DEFAULT_TOKENS = { 'push-token': 'push', 'read-token': 'read' } as const;

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const state = new RepoState();
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const record = (r: RecordedRequest): void => {
    requests.push(r);
  };
  const rateLimits = new RateLimits(options.rateLimit ?? 5000);
  const tokens = options.tokens ?? { ...DEFAULT_TOKENS };

  const storage = await listen((req, res) => handleStorageRequest({ state, faults, record }, req, res));
  const storageUrl = origin(storage);
  // The API's site is known only once it listens; handlers read it at request time.
  const site: Site = { api: '', owner: options.owner ?? 'ephpm', repo: options.repo ?? 'ephemerd' };
  const api = await listen((req, res) => {
    handleApiRequest({ state, site, storageUrl, tokens, faults, rateLimits, record }, req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  site.api = origin(api);

  const addAsset = (releaseId: number, asset: NewAsset): { id: number } => ({ id: state.addAsset(releaseId, asset).id });
  return {
    url: site.api,
    storageUrl,
    requests,
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
      if (!stored) throw new Error(`fake GitHub: no release ${id}`);
      return releaseJson(site, stored, stored.assetIds.flatMap((a) => state.assets.get(a) ?? []));
    },
    statuses: (sha) => state.statusesFor(sha).map((s) => statusJson(site, s, s.creator)),
    fault: (fault) => faults.push(fault),
    close: async () => {
      await Promise.all([stop(api), stop(storage)]);
    },
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
