// What the static checks' readers cost per GiB of binary: the Go build-info scan and the Mach-O
// code-signature verification, each fed a file as a stream, in a child process of its own so
// its peak RSS is its own. Prints MB/s, seconds per GiB and peak RSS for each reader.
//   node --import tsx scripts/bench-static-checks.ts [--mib 1024] [--rounds 3]
import { execFile } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { BuildInfoScanner } from '../src/archive/go-build-info/build-info-scanner.ts';
import { CodeSignatureScanner, DEFAULT_PAGE_HASH_KINDS } from '../src/archive/code-signature/code-signature-scanner.ts';
import { judgeCodeSignature } from '../src/archive/code-signature/judge-code-signature.ts';
import type { PageHashKind } from '../src/archive/code-signature/page-hasher.ts';
import { encodeBuildInfoBlob } from '../test/support/go-build-info-variant.ts';
import { signMachO } from '../test/support/sign-macho.ts';

const MiB = 1024 * 1024;
const READERS = ['read-only', 'build-info', 'signature', 'signature+sha1', 'both'] as const;
type Reader = (typeof READERS)[number];
const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' }, rounds: { type: 'string', default: '3' }, measure: { type: 'string' }, file: { type: 'string' } } });

/** In the child: stream the file through one reader and print what it cost. */
async function measure(reader: Reader, file: string): Promise<void> {
  const kinds: PageHashKind[] = reader === 'signature+sha1' ? [...DEFAULT_PAGE_HASH_KINDS, { algorithm: 'sha1', pageSize: 4096 }] : [...DEFAULT_PAGE_HASH_KINDS];
  const buildInfo = reader === 'build-info' || reader === 'both' ? new BuildInfoScanner() : undefined;
  const signature = reader.startsWith('signature') || reader === 'both' ? new CodeSignatureScanner(kinds) : undefined;
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    buildInfo?.push(chunk);
    signature?.push(chunk);
  }
  const found = buildInfo ? buildInfo.result().found : null;
  const verdict = signature ? judgeCodeSignature(signature.result(), []).status : null;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ bytes, seconds, maxRssKiB: peakRssKiB(), found, verdict }) + '\n');
}

/**
 * This process's own peak RSS (VmHWM). Not getrusage's maxRSS: Linux carries that over fork
 * and exec, so a child would report the parent's peak (which held the generated binary).
 */
function peakRssKiB(): number {
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return line ? Number(line[1]) : process.resourceUsage().maxRSS;
}

/**
 * A signed Mach-O of `size` bytes: esbuild's darwin/arm64 code repeated up to the size, with a Go
 * build-info blob at the end of the code (the worst case for the scan), signed by the tests' signer.
 */
function makeBinary(size: number): Buffer {
  const real = readFileSync(join(import.meta.dirname, '..', 'test', '.fixtures', 'binaries', 'darwin-arm64'));
  const commands = 32 + real.readUInt32LE(20);
  const code = Buffer.alloc(size);
  for (let at = 0; at < size; at += real.length) real.copy(code, at, 0, Math.min(real.length, size - at));
  // The copies hold esbuild's own blob: blank them so the only one is at the end.
  for (let at = code.indexOf('\xff Go buildinf:', 0, 'latin1'); at !== -1; at = code.indexOf('\xff Go buildinf:', at + 1, 'latin1')) code[at] = 0;
  const blob = encodeBuildInfoBlob('go1.26.1', 'path\texample.com/app\nbuild\tGOOS=darwin\nbuild\tGOARCH=arm64\n');
  const end = size - 4096;
  blob.copy(code, end - (end % 16) - 1024);
  for (let at = 32, i = 0; i < code.readUInt32LE(16) && at < commands; i++, at += code.readUInt32LE(at + 4)) {
    if (code.readUInt32LE(at) === 0x1d) code.writeUInt32LE(size, at + 8);
  }
  return signMachO(code, { entitlements: ['com.apple.security.virtualization'] });
}

interface Figure {
  bytes: number;
  seconds: number;
  maxRssKiB: number;
  found: boolean | null;
  verdict: string | null;
}

async function main(): Promise<void> {
  if (values.measure) return measure(values.measure as Reader, values.file!);
  const size = Number(values.mib) * MiB;
  const rounds = Number(values.rounds);
  const dir = await mkdtemp(join(tmpdir(), 'bench-static-'));
  try {
    const file = join(dir, 'ephemerd');
    await writeFile(file, makeBinary(size));
    const run = promisify(execFile);
    const results = new Map<Reader, Figure[]>();
    // Interleaved rounds, so a busy moment of the machine spreads over every reader.
    for (let round = 0; round < rounds; round++) {
      for (const reader of READERS) {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', import.meta.filename, '--measure', reader, '--file', file], { maxBuffer: MiB });
        results.set(reader, [...(results.get(reader) ?? []), JSON.parse(stdout) as Figure]);
      }
    }
    console.log(`static-check readers over a ${values.mib} MiB signed Mach-O (page cache warm), ${rounds} rounds, median; load average ${loadavg()[0]!.toFixed(1)}`);
    console.log('reader           MB/s   s/GiB   peak RSS   result');
    for (const reader of READERS) {
      const figures = results.get(reader)!;
      const median = [...figures].sort((a, b) => a.seconds - b.seconds)[Math.floor(figures.length / 2)]!;
      const rate = median.bytes / 1e6 / median.seconds;
      const perGiB = (median.seconds * 1024 ** 3) / median.bytes;
      const rss = Math.max(...figures.map((f) => f.maxRssKiB)) / 1024;
      const result = [median.found === null ? '' : `build info ${median.found ? 'found' : 'NOT found'}`, median.verdict === null ? '' : `signature ${median.verdict}`].filter(Boolean).join(', ');
      console.log(`${reader.padEnd(15)} ${rate.toFixed(0).padStart(5)}  ${perGiB.toFixed(2).padStart(6)}  ${rss.toFixed(0).padStart(5)} MiB   ${result}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
