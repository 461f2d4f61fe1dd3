import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CliIo } from '../../src/commands/io.ts';
import { watchCommand } from '../../src/commands/watch.ts';
import { extractSection, parseSectionData } from '../../src/posting/body-section.ts';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { yamlHostFor } from '../support/test-host-config.ts';
import { buildFixtureRelease, type FixtureRelease } from '../../src/sandbox/stand-in/release.ts';
import { startSshd, type SshdHandle } from '../support/sshd.ts';

const TAG = 'v0.0.1';
let dir: string;
let fake: FakeGitHub;
let sshd: SshdHandle;
let configPath: string;
let draftId: number;
let fixture: FixtureRelease;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smoke-watch-deep-'));
  fake = await startFakeGitHub();
  sshd = await startSshd();
  fake.setBranch('main', createHash('sha1').update('watch deep draft').digest('hex'));
  fixture = await buildFixtureRelease({
    dir: join(dir, 'release'),
    tag: TAG,
    platforms: [{ platform: 'linux/amd64', behaviour: { version: TAG, variant: 'good' } }],
  });
  // The draft is the oldest release, with its archive but not yet its checksums.txt.
  draftId = fake.addRelease({ tag_name: TAG, draft: true, target_commitish: 'main', body: 'Notes.' }).id;
  fake.addAsset(draftId, { name: fixture.assets[0]!.name, file: fixture.assets[0]!.path });
  // 150 newer releases push it to the second page of the listing (100 a page).
  for (let i = 0; i < 150; i++) fake.addRelease({ tag_name: `deps-linux-virt-6.12.${i}-r0` });
  configPath = join(dir, 'hosts.yaml');
  mkdirSync(join(dir, 'host-work'));
  writeFileSync(
    configPath,
    stringify({
      repo: 'ephpm/ephemerd',
      platforms: { 'linux/amd64': { minBinaryBytes: 256 } },
      probes: { boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 } },
      hosts: [
        yamlHostFor(sshd, { name: 'amd64-host', platform: 'linux/amd64', workdir: join(dir, 'host-work') }),
      ],
    }),
  );
}, 180_000);

afterAll(async () => {
  await sshd?.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('smoke watch with a draft beyond the first page of releases', () => {
  it('sees the upload that completes it and tests it within a few polls', async () => {
    const controller = new AbortController();
    const stderr = new PassThrough();
    const listings = () => fake.requests.filter((r) => r.operationId === 'repos/list-releases' && /[?&]page=1(&|$)/.test(r.path)).length;
    let err = '';
    let pollsAtUpload: number | null = null;
    // The watch polls on while the draft is tested: the bound counts the polls until it starts.
    let pollsAtTesting: number | null = null;
    stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      if (pollsAtUpload === null && err.includes(`${TAG}: waiting`)) {
        fake.addAsset(draftId, { name: 'checksums.txt', file: fixture.checksumsPath });
        pollsAtUpload = listings();
      }
      if (pollsAtTesting === null && err.includes(`${TAG}: testing: `)) pollsAtTesting = listings();
      if (/v0\.0\.1: (pass|fail|error)/.test(err)) controller.abort();
    });
    // A bound, not a wait: with the old first-page ETag no poll would ever see the upload.
    const bound = setInterval(() => {
      if (pollsAtUpload !== null && pollsAtTesting === null && listings() - pollsAtUpload >= 10) controller.abort();
    }, 20);
    const io: CliIo = {
      stdout: new PassThrough(),
      stderr,
      env: { GITHUB_API_URL: fake.url, GITHUB_TOKEN: 'push-token', SMOKE_CACHE_DIR: join(dir, 'cache'), CI: '1' },
      signal: controller.signal,
    };
    const code = await watchCommand({ config: configPath, reports: join(dir, 'reports'), interval: 0.05, post: true }, io).finally(() =>
      clearInterval(bound),
    );
    expect(code).toBe(0);
    expect(pollsAtUpload).not.toBeNull();
    expect(err).toContain(`${TAG}: testing: never tested`);
    expect(err).toContain(`${TAG}: pass`);
    expect(pollsAtTesting! - pollsAtUpload!).toBeLessThan(10);
    const data = parseSectionData(extractSection(fake.release(draftId).body ?? null) ?? '');
    expect(data).toMatchObject({ state: 'done', verdict: 'pass', tag: TAG });
  }, 120_000);
});
