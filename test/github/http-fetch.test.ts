import { execFile } from 'node:child_process';
import { createServer, globalAgent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetch } from '../../src/github/http-fetch.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Which connection of this server carried the request, from 1. */
  connection: number;
}

/** A server on loopback answering with `handle` once it has read each request's body. */
async function server(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const connections = new WeakMap<Socket, number>();
  let opened = 0;
  const s = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, connection: connections.get(req.socket) ?? 0 });
      handle(req, res, seen.length);
    });
  });
  s.on('connection', (socket: Socket) => connections.set(socket, ++opened));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  servers.push(s);
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const fetch = createHttpFetch({ idleMs: 5_000 });

describe('createHttpFetch', () => {
  it('sends the method, headers and body, and reads status, headers and text as fetch does', async () => {
    const s = await server((_req, res) => {
      res.setHeader('X-Many', ['one', 'two']);
      res.writeHead(201, 'Made', { 'content-type': 'application/json; charset=utf-8' }).end('{"id":7,"name":"é"}');
    });
    const res = await fetch(`${s.url}/repos/o/r/statuses/abc`, {
      method: 'post',
      headers: { Authorization: 'token t', 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"state":"pending","description":"ü"}',
    });
    expect([res.status, res.statusText, res.url]).toEqual([201, 'Made', `${s.url}/repos/o/r/statuses/abc`]);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-many')).toBe('one, two');
    expect(res.headers.get('absent')).toBeNull();
    expect(Object.fromEntries(res.headers)).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-many': 'one, two' });
    expect(await res.json()).toEqual({ id: 7, name: 'é' });
    expect(s.seen).toEqual([
      expect.objectContaining({ method: 'POST', url: '/repos/o/r/statuses/abc', body: '{"state":"pending","description":"ü"}' }),
    ]);
    expect(s.seen[0]!.headers).toMatchObject({ authorization: 'token t', 'content-length': String(Buffer.byteLength('{"state":"pending","description":"ü"}')) });
  });

  it('follows redirects, relative ones too, and sends Authorization only to the origin it was given for', async () => {
    const other = await server((_req, res) => res.writeHead(200).end('moved here'));
    const s = await server((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else res.writeHead(307, { location: `${other.url}/c` }).end();
    });
    const res = await fetch(`${s.url}/a`, { headers: { authorization: 'token secret', cookie: 'k=v', accept: 'application/json' } });
    expect([res.status, res.url, await res.text()]).toEqual([200, `${other.url}/c`, 'moved here']);
    expect(s.seen.map((r) => [r.url, r.headers.authorization])).toEqual([['/a', 'token secret'], ['/b', 'token secret']]);
    expect(other.seen[0]!.headers).toMatchObject({ accept: 'application/json' });
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    expect(other.seen[0]!.headers.cookie).toBeUndefined();
  });

  it('turns a 303 after a PATCH into a GET without a body, and repeats a PATCH on a 307', async () => {
    const s = await server((req, res) => {
      if (req.url === '/see-other') res.writeHead(303, { location: '/result' }).end();
      else if (req.url === '/temporary') res.writeHead(307, { location: '/again' }).end();
      else res.writeHead(200).end(`${req.method ?? ''} done`);
    });
    const headers = { 'content-type': 'application/json' };
    expect(await (await fetch(`${s.url}/see-other`, { method: 'PATCH', headers, body: '{"body":"x"}' })).text()).toBe('GET done');
    expect(await (await fetch(`${s.url}/temporary`, { method: 'PATCH', headers, body: '{"body":"y"}' })).text()).toBe('PATCH done');
    expect(s.seen.map((r) => [r.method, r.url, r.body, r.headers['content-type']])).toEqual([
      ['PATCH', '/see-other', '{"body":"x"}', 'application/json'],
      ['GET', '/result', '', undefined],
      ['PATCH', '/temporary', '{"body":"y"}', 'application/json'],
      ['PATCH', '/again', '{"body":"y"}', 'application/json'],
    ]);
  });

  it("hands a redirect back as it is with redirect 'manual', refuses it with 'error', and stops after 20", async () => {
    const s = await server((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const manual = await fetch(`${s.url}/asset`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([302, '/elsewhere']);
    await expect(fetch(`${s.url}/asset`, { redirect: 'error' })).rejects.toThrow(`GET ${s.url}/asset was redirected (302)`);
    await expect(fetch(`${s.url}/asset`)).rejects.toThrow('more than 20 redirects');
    expect(s.seen).toHaveLength(1 + 1 + 21);
  });

  it('gives the body as a web stream, once', async () => {
    const s = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2, 255])));
    const res = await fetch(`${s.url}/bytes`);
    const body = res.body;
    expect(body).toBeInstanceOf(ReadableStream);
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    expect([...Buffer.concat(chunks)]).toEqual([0, 1, 2, 255]);
    await expect(res.arrayBuffer()).rejects.toThrow('the response body was already read');
  });

  it('reads an ArrayBuffer of exactly the body', async () => {
    const s = await server((_req, res) => res.writeHead(200).end(Buffer.from('abc')));
    const buffer = await (await fetch(`${s.url}/x`)).arrayBuffer();
    expect([buffer.byteLength, Buffer.from(buffer).toString()]).toEqual([3, 'abc']);
  });

  it('keeps the connection after a 204 that no one reads', async () => {
    const s = await server((_req, res, n) => (n === 1 ? res.writeHead(204).end() : res.writeHead(200).end('next')));
    // The socket goes back to the pool only once the response has ended.
    const freed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the socket never went back to the pool')), 2_000);
      globalAgent.once('free', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    expect((await fetch(`${s.url}/delete`, { method: 'DELETE' })).status).toBe(204);
    await freed;
    expect(await (await fetch(`${s.url}/get`)).text()).toBe('next');
    expect(s.seen.map((r) => r.connection)).toEqual([1, 1]);
  });

  it('rejects with an AbortError when the signal fires before the answer', async () => {
    const s = await server(() => undefined); // never answers
    const controller = new AbortController();
    const pending = fetch(`${s.url}/slow`, { signal: controller.signal });
    while (s.seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('cuts a server that answers nothing, or stops within the body, after the idle time', async () => {
    const quick = createHttpFetch({ idleMs: 200 });
    const silent = await server(() => undefined);
    const started = performance.now();
    await expect(quick(`${silent.url}/x`)).rejects.toThrow('GitHub sent nothing for 0.2 s');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    const stalls = await server((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
    });
    const res = await quick(`${stalls.url}/x`);
    await expect(res.text()).rejects.toThrow('GitHub sent nothing for 0.2 s');
  });

  it('keeps a body that has all arrived while it waits for its reader past the idle time', async () => {
    const quick = createHttpFetch({ idleMs: 200 });
    const s = await server((_req, res) => res.writeHead(200).end('all here'));
    const res = await quick(`${s.url}/x`);
    await new Promise((resolve) => setTimeout(resolve, 400)); // two idle periods with nothing to receive
    expect(await res.text()).toBe('all here');
  });

  it('survives a connection lost before anyone reads the body, and says so when it is read', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('part', () => res.socket?.destroy());
    });
    const res = await fetch(`${s.url}/x`);
    // The agent drops the socket once it has closed; the response's error follows on the next tick.
    const key = `${new URL(s.url).host}:`;
    while (Object.keys(globalAgent.sockets).some((name) => name.startsWith(key))) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(res.text()).rejects.toThrow('aborted');
  });

  it('says why a connection failed', async () => {
    const s = await server(() => undefined);
    const port = new URL(s.url).port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(fetch(`${s.url}/x`)).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
    await expect(fetch('ftp://example.com/x')).rejects.toThrow('GitHub URL is not http(s): ftp:');
  });

  it('keeps undici unloaded through an Octokit request', async () => {
    // The point of this adapter: Node's fetch would load undici (14 MiB of RSS in a run).
    const s = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1,"tag_name":"v1"}'));
    const client = fileURLToPath(new URL('../../src/github/client.ts', import.meta.url));
    const script = [
      `const { makeOctokit } = await import(${JSON.stringify(client)});`,
      `const octokit = makeOctokit({ apiUrl: ${JSON.stringify(s.url)}, token: 't', retry: { retries: 0 } });`,
      "const { data } = await octokit.request('GET /repos/{owner}/{repo}/releases/{release_id}', { owner: 'o', repo: 'r', release_id: 1 });",
      "console.log(JSON.stringify({ tag: data.tag_name, undici: process.moduleLoadList.some((m) => m.includes('undici')) }));",
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)));
    });
    expect(JSON.parse(out)).toEqual({ tag: 'v1', undici: false });
  });
});
