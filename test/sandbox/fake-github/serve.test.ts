// The fake in another process, as the memory test runs it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const SERVE = new URL('../../../src/sandbox/fake-github/serve.ts', import.meta.url).pathname;

describe('fake GitHub serve.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-github-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the releases of a spec file, prints its origins, and exits on SIGTERM', async () => {
    writeFileSync(join(dir, 'win.zip'), 'zip bytes');
    const spec = {
      branches: { main: 'a'.repeat(40) },
      releases: [{ tag_name: 'v1.1.0', draft: true, assets: [{ name: 'win.zip', file: join(dir, 'win.zip') }, { name: 'checksums.txt', content: 'x' }] }],
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const child = spawn(process.execPath, ['--import', 'tsx', SERVE, '--spec', join(dir, 'spec.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const started = JSON.parse(line) as { url: string; storageUrl: string; releases: Array<{ id: number; assets: Array<{ id: number; name: string }> }> };
      expect(started.storageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const asset = started.releases[0]?.assets[0];
      const res = await fetch(`${started.url}/repos/ephpm/ephemerd/releases/assets/${asset?.id}`, {
        headers: { authorization: 'token push-token', accept: 'application/octet-stream' },
      });
      expect(await res.text()).toBe('zip bytes');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('names the spec file and the problem when the spec is wrong', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ releases: [{ draft: true }] }));
    const child = spawn(process.execPath, ['--import', 'tsx', SERVE, '--spec', join(dir, 'bad.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('bad.json');
    expect(stderr).toContain('tag_name');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
