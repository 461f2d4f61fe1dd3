// `npm run bench`: measures the service against OpenSSH and this machine's limits, on real
// sshd hosts on loopback, and writes the figures to reports/bench/<time>.json.
//   npm run bench                   # everything (about 3 minutes on 2 cores)
//   npm run bench -- --only push,watch   # some sections: push, memory, checksums, endless, parallel, overhead, watch, once
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { EPHEMERD_PLATFORMS, type PlatformId } from '../src/domain/platform.ts';
import { startSshd } from '../src/sandbox/sshd.ts';
import { median, measureThroughput, hostCleanupMs, randomFile } from './bench/throughput.ts';
import { runCli } from './bench/run-cli.ts';
import { breakdown, smokeRun, type Breakdown } from './bench/smoke-runs.ts';
import { MiB, startWorld, type World } from './bench/world.ts';

const SECTIONS = ['push', 'memory', 'checksums', 'endless', 'parallel', 'overhead', 'watch', 'once'] as const;
type Section = (typeof SECTIONS)[number];
const { values } = parseArgs({ options: { only: { type: 'string' }, rounds: { type: 'string', default: '3' } } });
const only = new Set((values.only ?? SECTIONS.join(',')).split(',') as Section[]);
const rounds = Number(values.rounds);

interface Row {
  measure: string;
  figure: string;
  goal: string;
  met: boolean | null;
}
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Archive sizes per platform, the windows one the largest as in a real release. */
function sizes(windows: number, others: number): Record<PlatformId, number> {
  return { 'linux/amd64': others, 'linux/arm64': others, 'windows/amd64': windows, 'darwin/arm64': others };
}

async function withWorld<T>(root: string, name: string, options: Omit<Parameters<typeof startWorld>[0], 'dir'>, work: (w: World, dir: string) => Promise<T>): Promise<T> {
  const dir = join(root, name);
  const world = await startWorld({ dir, ...options });
  try {
    return await work(world, dir);
  } finally {
    await world.close();
  }
}

/**
 * How long this machine takes to touch memory it has not touched lately: on the VMs this was
 * measured on it varied from 0.5 to 1.5 s per GiB, the first of the three usually slowest, and
 * every file a run writes (download cache, the host's copy, the extracted binary) pays it. It
 * is part of the spread between runs.
 */
async function memoryTouch(): Promise<void> {
  const touch = async () => {
    const started = performance.now();
    await $({ quiet: true })`${process.execPath} -e ${'Buffer.alloc(1024 * 1024 * 1024, 1)'}`;
    return (performance.now() - started) / 1000;
  };
  const seconds = [await touch(), await touch(), await touch()];
  details.memoryTouch = seconds;
  rows.push({ measure: 'machine: a new process fills 1 GiB of fresh memory (3 times)', figure: seconds.map((x) => `${x.toFixed(2)} s`).join(', '), goal: 'report', met: null });
}

async function push(root: string): Promise<void> {
  note('1. push throughput (512 MiB)');
  const sshd = await startSshd();
  const dir = join(root, 'push');
  await mkdir(dir, { recursive: true });
  try {
    const file = join(dir, 'archive.bin');
    await randomFile(file, 512 * MiB);
    const results = await measureThroughput(sshd, file, dir, rounds);
    details.push = results;
    const ceiling = results.find((r) => r.tool.startsWith('cp'))!.mbPerSecond;
    const scp = Math.max(...results.filter((r) => r.tool.startsWith('scp')).map((r) => r.mbPerSecond));
    for (const r of results) {
      // The goal is for the path a run takes on these (POSIX) hosts; SFTP is reported beside it.
      const ours = r.tool.startsWith('smoke upload (exec');
      rows.push({
        measure: `push 512 MiB: ${r.tool}`,
        figure: `${r.mbPerSecond.toFixed(0)} MB/s (median of ${r.seconds.map((x) => x.toFixed(2)).join(', ')} s; ${((100 * r.mbPerSecond) / ceiling).toFixed(0)}% of cp)`,
        goal: ours ? `>= best scp (${scp.toFixed(0)} MB/s)` : '',
        met: ours ? r.mbPerSecond >= scp : null,
      });
    }
  } finally {
    await sshd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Peak RSS moves by ±10 MiB between identical runs here (when V8 and glibc free buffers): three runs, judged on the median. */
const MEMORY_RUNS = 3;

async function memory(root: string): Promise<void> {
  const runs: Array<{ total: number; peaks: number[]; wallMs: number[] }> = [];
  for (const [name, windows, others] of [['small', 180, 40], ['large', 700, 150]] as const) {
    const total = (windows + 3 * others) * MiB;
    note(`2. memory: whole run, archives ${mb(total)}, ${MEMORY_RUNS} runs`);
    const measured = { total, peaks: [] as number[], wallMs: [] as number[] };
    await withWorld(root, `memory-${name}`, { sizes: sizes(windows * MiB, others * MiB) }, async (world, dir) => {
      for (let i = 0; i < MEMORY_RUNS; i++) {
        const run = await smokeRun(world, dir);
        measured.peaks.push(run.peakRssBytes);
        measured.wallMs.push(run.wallMs);
      }
      // The last run's time: the first run in a world touches fresh memory and cold caches.
      if (name === 'large') await largeParallel(world, dir, measured.wallMs.at(-1)!);
    });
    runs.push(measured);
    const peak = median(measured.peaks);
    rows.push({
      measure: `peak RSS, smoke run, archives ${mb(total)} (windows ${windows} MiB)`,
      figure: `median ${mb(peak)} (${measured.peaks.map(mb).join(', ')})`,
      goal: '< 150 MB (median)',
      met: peak < 150 * 1e6,
    });
  }
  details.memory = runs;
  const [a, b] = runs;
  if (a && b) {
    const growth = median(b.peaks) - median(a.peaks);
    rows.push({ measure: 'peak RSS growth, archives x3.8 (medians)', figure: `${growth >= 0 ? '+' : ''}${mb(growth)}`, goal: 'flat (< +20 MiB)', met: growth < 20 * MiB });
  }
}

/** A 108 MB checksums.txt (900,000 lines) once took the run to 1.1 GB: it is refused by its size now. */
async function hugeChecksums(root: string): Promise<void> {
  const bytes = 108e6;
  note(`2. memory: a checksums.txt of ${(bytes / 1e6).toFixed(0)} MB, ${MEMORY_RUNS} runs`);
  const peaks: number[] = [];
  await withWorld(root, 'memory-checksums', { sizes: sizes(40 * MiB, 40 * MiB), checksumsBytes: bytes }, async (world, dir) => {
    for (let i = 0; i < MEMORY_RUNS; i++) {
      await rm(world.env.SMOKE_CACHE_DIR!, { recursive: true, force: true });
      const run = await runCli(['run', 'v0.0.1', '--config', world.configPath, '--reports', join(dir, 'reports'), '--no-post', '--json'], world.env);
      // The run fails every platform's checksum check (exit 1): anything else is not what is measured.
      if (run.exitCode !== 1 || !run.stdout.includes('over the 1 MB cap')) throw new Error(`expected a checksums fail, got exit ${String(run.exitCode)}:\n${run.stderr.slice(-2000)}`);
      peaks.push(run.peakRssBytes);
    }
  });
  details.memoryChecksums = peaks;
  const peak = median(peaks);
  rows.push({
    measure: `peak RSS, smoke run, checksums.txt of ${(bytes / 1e6).toFixed(0)} MB`,
    figure: `median ${mb(peak)} (${peaks.map(mb).join(', ')})`,
    goal: '< 150 MB (median)',
    met: peak < 150 * 1e6,
  });
}

/**
 * Four daemons that log 16 MiB a second without end while /healthz accepts and never answers,
 * with a 20 s boot timeout: the service must read the logs with backpressure (it once queued
 * every frame the hosts sent while /healthz hung: 1.4 GB).
 */
async function endlessLog(root: string): Promise<void> {
  note(`2b. memory: four endless logs, /healthz hanging, 20 s boot timeout, ${MEMORY_RUNS} runs`);
  const behaviour = { variant: 'endless-log', noiseBytesPerSecond: 16 * MiB } as const;
  await withWorld(root, 'memory-endless-log', { sizes: sizes(MiB, MiB), behaviour, bootTimeoutSeconds: 20 }, async (world, dir) => {
    const peaks: number[] = [];
    const verdicts: string[] = [];
    for (let i = 0; i < MEMORY_RUNS; i++) {
      await rm(world.env.SMOKE_CACHE_DIR!, { recursive: true, force: true });
      const run = await runCli(['run', 'v0.0.1', '--config', world.configPath, '--reports', join(dir, 'reports'), '--no-post', '--json'], world.env);
      peaks.push(run.peakRssBytes);
      const report = JSON.parse(run.stdout) as { platforms: Array<{ checks: Array<{ name: string; status: string }> }> };
      verdicts.push(report.platforms.map((p) => p.checks.find((c) => c.name === 'boot')?.status ?? 'none').join(','));
    }
    details.endlessLog = { peaks, verdicts };
    const peak = median(peaks);
    // Every boot must fail on /healthz: a figure from runs that did not get that far says nothing.
    const judged = verdicts.every((v) => v === 'fail,fail,fail,fail');
    rows.push({
      measure: 'peak RSS, smoke run, four endless logs with /healthz hanging (20 s boot timeout)',
      figure: `median ${mb(peak)} (${peaks.map(mb).join(', ')})${judged ? '' : `; boot not failed on every platform: ${verdicts.join(' / ')}`}`,
      goal: '< 150 MB (median)',
      met: judged && peak < 150 * 1e6,
    });
  });
}

/** With 1.1 GiB of archives the two cores are the limit: compare with the single runs' sum / cores. */
async function largeParallel(world: World, dir: string, allMs: number): Promise<void> {
  note('3b. parallel, large archives: single runs');
  const singles: Record<string, number> = {};
  for (const p of EPHEMERD_PLATFORMS) singles[p] = (await smokeRun(world, dir, [p])).wallMs;
  const sum = Object.values(singles).reduce((x, y) => x + y, 0);
  const cores = cpus().length;
  details.parallelLarge = { allMs, singles, cores };
  rows.push({
    measure: `parallel, 1.1 GiB: all four vs (sum of singles / ${cores} cores)`,
    figure: `${s(allMs)} vs ${s(sum / cores)} = ${(allMs / (sum / cores)).toFixed(2)}x`,
    goal: 'report',
    met: null,
  });
}

async function parallel(root: string): Promise<void> {
  await withWorld(root, 'parallel', { sizes: sizes(50 * MiB, 50 * MiB), readyAfterMs: 3000 }, async (world, dir) => {
    note('3. parallel: four platforms, 50 MiB each, ready after 3 s');
    // Not counted: the first run in a world touches fresh memory and cold caches.
    details.parallelWarmupMs = (await smokeRun(world, dir)).wallMs;
    const all: number[] = [];
    const cpu: Array<{ serviceMs: number; machineMs: number }> = [];
    const singleCpu: typeof cpu = [];
    const singles: Record<string, number[]> = {};
    const overheads: Breakdown[] = [];
    for (let r = 0; r < rounds; r++) {
      const four = await smokeRun(world, dir);
      all.push(four.wallMs);
      cpu.push({ serviceMs: four.cpuMs, machineMs: four.machineCpuMs });
      for (const p of EPHEMERD_PLATFORMS) {
        const run = await smokeRun(world, dir, [p]);
        (singles[p] ??= []).push(run.wallMs);
        singleCpu.push({ serviceMs: run.cpuMs, machineMs: run.machineCpuMs });
        overheads.push(breakdown(run.report));
      }
    }
    const slowest = Math.max(...Object.values(singles).map(median));
    const ratio = median(all) / slowest;
    // Best of the rounds as well: on this shared VM noise only ever adds time.
    const bestSlowest = Math.max(...Object.values(singles).map((xs) => Math.min(...xs)));
    const bestRatio = Math.min(...all) / bestSlowest;
    details.parallel = { allMs: all, singlesMs: singles, cpu, singleCpu };
    rows.push({
      measure: `parallel, 4 x 50 MiB: all four vs slowest single (${rounds} rounds)`,
      // Three places: at two, 1.151 printed as 1.15x beside a goal of 1.15x and a "NO".
      figure: `median ${s(median(all))} vs ${s(slowest)} = ${ratio.toFixed(3)}x; best ${s(Math.min(...all))} vs ${s(bestSlowest)} = ${bestRatio.toFixed(3)}x`,
      goal: '<= 1.15x (median)',
      met: ratio <= 1.15,
    });
    // Where the time goes: the hosts, their tools and the fake GitHub share the cores with us.
    rows.push({
      measure: 'parallel, 4 x 50 MiB: CPU used, smoke / whole machine (medians)',
      figure: `all four ${s(median(cpu.map((c) => c.serviceMs)))} / ${s(median(cpu.map((c) => c.machineMs)))} in ${s(median(all))} on ${cpus().length} cores; one platform ${s(median(singleCpu.map((c) => c.serviceMs)))} / ${s(median(singleCpu.map((c) => c.machineMs)))}`,
      goal: 'report',
      met: null,
    });
    if (!only.has('overhead')) return;
    const cleanups: Record<string, number> = {};
    for (const p of EPHEMERD_PLATFORMS) cleanups[p] = await hostCleanupMs(world.configPath, p, 5);
    overheadRows(overheads, cleanups);
  });
}

/**
 * Our overhead per platform: the run's time outside its checks, less the host's cleanup
 * command, timed alone beside it (on the PowerShell host that command is a PowerShell start and
 * a process sweep, about a second: the host's time, not ours).
 */
function overheadRows(runs: Breakdown[], cleanupMs: Record<string, number>): void {
  details.overhead = runs;
  details.hostCleanupMs = cleanupMs;
  for (const p of EPHEMERD_PLATFORMS) {
    const mine = runs.filter((b) => b.platform === p);
    const pick = (k: keyof Omit<Breakdown, 'platform'>) => median(mine.map((b) => b[k]));
    const cleanup = cleanupMs[p] ?? 0;
    const ours = pick('overheadMs') - cleanup;
    rows.push({
      measure: `overhead ${p} (single run, 50 MiB): outside checks, less the host's cleanup`,
      figure:
        `${s(ours)}: ${s(pick('overheadMs'))} outside checks, cleanup alone ${s(cleanup)} (median of 5); run ${s(pick('runMs'))}: ` +
        `download ${s(pick('downloadMs'))}, archive ${s(pick('archiveMs'))}, upload ${s(pick('uploadMs'))}, probes ${s(pick('probesMs'))}`,
      goal: '< 0.5 s',
      met: ours < 500,
    });
  }
}

async function watch(root: string): Promise<void> {
  note('5. idle watch of two repositories: ten polls');
  await withWorld(root, 'watch', { sizes: sizes(0, 0), noDraft: true }, async (world) => {
    // A second repository in the same watch: each keeps its own ETags.
    world.fake.addRepository('ephpm/ephemerd-agent');
    const lists = () => world.fake.requests.filter((r) => r.origin === 'api' && /\/releases(\?|$)/.test(r.path));
    // --interval 1: the first poll, then ten idle ones a second apart (two listings each).
    const repos = ['--repo', 'ephpm/ephemerd', '--repo', 'ephpm/ephemerd-agent'];
    await runCli(['watch', '--config', world.configPath, ...repos, '--interval', '1', '--no-post'], world.env, () => lists().length >= 22);
    const polls = Math.floor(lists().length / 2) - 1;
    const after = lists().slice(2);
    // Everything from the second poll's first request on.
    const idle = world.fake.requests.slice(after[0] ? world.fake.requests.indexOf(after[0]) : world.fake.requests.length);
    const counted = idle.filter((r) => r.origin === 'api' && r.rateLimited).length;
    details.watch = { requests: world.fake.requests.map((r) => `${r.method} ${r.path} ${r.status}${r.rateLimited ? ' (counted)' : ''}`) };
    const perPoll = polls > 0 ? counted / polls : NaN;
    rows.push({
      measure: `idle watch of 2 repositories: rate-limited requests after the first poll (${polls} polls, ${after.filter((r) => r.status === 304).length} of ${after.length} listings answered 304)`,
      figure: `${counted} (${perPoll.toFixed(2)} per poll)`,
      goal: '<= 1 per poll (0 for 304s)',
      met: polls >= 10 && perPoll <= 1,
    });
  });
}

async function once(root: string): Promise<void> {
  note('6. download once: two hosts for linux/amd64, the first down');
  await withWorld(root, 'once', { sizes: sizes(20 * MiB, 8 * MiB), hostsPer: { 'linux/amd64': 2 } }, async (world, dir) => {
    // Killed, not stopped: stop() deletes the key the config names.
    world.hosts.find((h) => h.platform === 'linux/amd64')!.sshd.kill();
    const release = world.fake.release(world.releaseId);
    const sizeOf = new Map(release.assets.map((a) => [a.id, a.size]));
    const run = await smokeRun(world, dir);
    const fetched = world.fake.requests
      .filter((r) => r.origin === 'api' && r.status === 302)
      .reduce((sum, r) => sum + (sizeOf.get(Number(/\/releases\/assets\/(\d+)/.exec(r.path)?.[1])) ?? 0), 0);
    const storage = world.fake.requests.filter((r) => r.origin === 'storage' && r.status === 200).length;
    const total = release.assets.reduce((sum, a) => sum + a.size, 0);
    details.once = { fetched, total, storageGets: storage, assets: release.assets.length, hosts: run.report.platforms.map((p) => `${p.platform} on ${p.host}`) };
    rows.push({ measure: `download once: bytes fetched (two hosts serve linux/amd64; ${storage} storage GETs)`, figure: `${fetched} of ${total}`, goal: 'exactly the assets total', met: fetched === total && storage === release.assets.length });
  });
}

function table(): string {
  const head = ['measure', 'figure', 'goal', 'met'];
  const body = rows.map((r) => [r.measure, r.figure, r.goal, r.met === null ? '' : r.met ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'smoke-bench-'));
  const started = performance.now();
  const loadBefore = loadavg();
  try {
    const steps: Array<[boolean, string, (root: string) => Promise<void>]> = [
      [true, 'machine', memoryTouch],
      [only.has('push'), 'push', push],
      [only.has('parallel') || only.has('overhead'), 'parallel', parallel],
      [only.has('memory'), 'memory', memory],
      // A memory row of its own section, so it can be run alone.
      [only.has('checksums'), 'checksums', hugeChecksums],
      [only.has('endless'), 'endless log', endlessLog],
      [only.has('watch'), 'watch', watch],
      [only.has('once'), 'once', once],
    ];
    for (const [wanted, name, step] of steps) {
      if (!wanted) continue;
      // One broken section must not cost the figures of the others.
      await step(root).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        rows.push({ measure: `${name}: did not finish`, figure: message.split('\n')[0]!.slice(0, 200), goal: '', met: false });
      });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const machine = {
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    node: process.version,
    kernel: (await readFile('/proc/version', 'utf8')).split(' ').slice(0, 3).join(' '),
    loadavgBefore: loadBefore,
    loadavgAfter: loadavg(),
  };
  const out = { when: new Date().toISOString(), machine, seconds: Math.round((performance.now() - started) / 1000), rows, details };
  const dir = new URL('../reports/bench/', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${out.when.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${table()}\n\nmachine: ${machine.cpus}, ${machine.node}; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} -> ${machine.loadavgAfter.map((l) => l.toFixed(2)).join(' ')}; ${out.seconds} s\nwritten: ${file}\n`);
  if (rows.some((r) => r.met === false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
