// Measures how much memory downloading a large release asset costs this process:
//   node --import tsx scripts/measure-download-memory.ts [--mb 300]
// The fake GitHub runs in a child process so its memory does not count. Goal: delta < 100 MB.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createGitHub } from '../src/github/github.ts';

const MiB = 1024 * 1024;
const { values } = parseArgs({ options: { mb: { type: 'string', default: '300' } } });
const sizeMb = Number(values.mb);

/** Random bytes written 4 MiB at a time, hashed on the way: the file never sits in memory. */
async function makeFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const block = Buffer.alloc(4 * MiB);
  for (let written = 0; written < bytes; written += block.length) {
    const chunk = randomFillSync(block).subarray(0, Math.min(block.length, bytes - written));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

interface Served {
  url: string;
  releases: { id: number; assets: { id: number; name: string }[] }[];
}

async function serveFake(specPath: string): Promise<{ child: ChildProcess; served: Served }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/fake-github/serve.ts', '--spec', specPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [string?];
  if (!first) throw new Error('the fake GitHub exited before printing its address');
  return { child, served: JSON.parse(first) as Served };
}

function mb(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-measure-'));
  let child: ChildProcess | undefined;
  try {
    const name = 'ephemerd_v9.9.9_windows_amd64.zip';
    const source = join(dir, name);
    const expected = await makeFile(source, sizeMb * MiB);
    const size = (await stat(source)).size;
    const specPath = join(dir, 'spec.json');
    await writeFile(specPath, JSON.stringify({ releases: [{ tag_name: 'v9.9.9', draft: true, assets: [{ name, file: source }] }] }));
    const fake = await serveFake(specPath);
    child = fake.child;
    const assetId = fake.served.releases[0]!.assets[0]!.id;

    const github = createGitHub({ apiUrl: fake.served.url, token: 'push-token', repo: 'ephpm/ephemerd', retry: { retries: 0 } });
    await github.listReleases(); // load Octokit, fetch and TLS-free sockets before the baseline
    await new Promise((resolve) => setTimeout(resolve, 200));
    const baseline = process.memoryUsage.rss();

    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const started = performance.now();
    const got = await github.downloadAsset({ id: assetId, name, size }, join(dir, `downloaded-${name}`));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());

    const report = {
      asset: `${name} (${mb(size)})`,
      hashMatches: got.sha256 === expected,
      baselineRss: mb(baseline),
      peakRss: mb(peak),
      delta: mb(peak - baseline),
      maxRssKernel: mb(process.resourceUsage().maxRSS * 1024),
      throughput: `${(size / MiB / seconds).toFixed(0)} MB/s (${seconds.toFixed(2)} s)`,
      goal: peak - baseline < 100 * MiB ? 'met (delta < 100 MB)' : 'MISSED (delta >= 100 MB)',
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.hashMatches) process.exitCode = 1;
  } finally {
    child?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`measure-download-memory: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
