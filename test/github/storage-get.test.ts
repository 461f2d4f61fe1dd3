import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getFromStorage, StorageAnswer, type StorageGetOptions } from '../../src/github/storage-get.ts';

/** A storage origin on loopback answering with `handle`; what each request carried is kept. */
async function storage(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; seen: IncomingMessage['headers'][]; server: Server }> {
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    handle(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const OPTIONS: StorageGetOptions = { userAgent: 'release-smoke-test', retries: 2, backoffMs: 5, idleMs: 5_000 };

async function text(body: AsyncIterable<Buffer>): Promise<string> {
  let out = '';
  for await (const chunk of body) out += chunk.toString();
  return out;
}

describe('getFromStorage', () => {
  it('follows storage redirects, relative ones too, and never sends Authorization', async () => {
    const s = await storage((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b?sig=1' }).end();
      else if (req.url === '/b?sig=1') res.writeHead(307, { location: `${s.url}/c` }).end();
      else res.writeHead(200).end('the bytes');
    });
    expect(await text(await getFromStorage(`${s.url}/a`, OPTIONS))).toBe('the bytes');
    expect(s.seen).toHaveLength(3);
    expect(s.seen.every((h) => h.authorization === undefined && h['user-agent'] === 'release-smoke-test')).toBe(true);
  });

  it('gives up after five further redirects', async () => {
    const s = await storage((_req, res) => res.writeHead(302, { location: '/again' }).end());
    await expect(getFromStorage(`${s.url}/start`, OPTIONS)).rejects.toThrow('storage answered 302');
    expect(s.seen).toHaveLength(6);
  });

  it('tries a 503 again and names what a 403 said, without trying it again', async () => {
    const s = await storage((_req, res, n) => {
      if (n === 1) res.writeHead(503).end();
      else res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    });
    const error = await getFromStorage(`${s.url}/x`, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageAnswer);
    expect((error as StorageAnswer).status).toBe(403);
    expect((error as Error).message).toBe('storage answered 403 (Request has expired)');
    expect(s.seen).toHaveLength(2);
  });

  it('stops trying a failing storage after the retries it was given', async () => {
    const s = await storage((_req, res) => res.writeHead(500).end());
    await expect(getFromStorage(`${s.url}/x`, { ...OPTIONS, retries: 1 })).rejects.toThrow('storage answered 500 (Internal Server Error)');
    expect(s.seen).toHaveLength(2);
  });

  it('does not ask again when a redirect leads to something that is not http(s)', async () => {
    const s = await storage((_req, res) => res.writeHead(302, { location: 'ftp://storage.example/asset' }).end());
    await expect(getFromStorage(`${s.url}/x`, OPTIONS)).rejects.toThrow('storage URL is not http(s): ftp:');
    expect(s.seen).toHaveLength(1);
  });

  it('cuts a body that stalls, with a message that says so', async () => {
    const s = await storage((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(100));
      // ...and nothing more, with the connection left open.
    });
    const body = await getFromStorage(`${s.url}/x`, { ...OPTIONS, idleMs: 200 });
    const started = performance.now();
    await expect(text(body)).rejects.toThrow('storage sent nothing for 0.2 s');
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('cuts a storage that never answers, then tries again', async () => {
    const s = await storage((_req, res, n) => {
      if (n > 1) res.writeHead(200).end('late but whole');
    });
    expect(await text(await getFromStorage(`${s.url}/x`, { ...OPTIONS, idleMs: 200 }))).toBe('late but whole');
    expect(s.seen).toHaveLength(2);
  });
});
