// Fetches real executables for the four release platforms from esbuild's platform packages
// on the npm registry (ELF x86-64, ELF AArch64, Mach-O arm64, PE AMD64): test data for the
// header checks. Idempotent: a binary already in place is not fetched again.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const version = '0.25.12';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', '.fixtures', 'binaries');
const wanted = [
  { pkg: '@esbuild/linux-x64', entry: 'package/bin/esbuild', out: 'linux-amd64' },
  { pkg: '@esbuild/linux-arm64', entry: 'package/bin/esbuild', out: 'linux-arm64' },
  { pkg: '@esbuild/darwin-arm64', entry: 'package/bin/esbuild', out: 'darwin-arm64' },
  { pkg: '@esbuild/win32-x64', entry: 'package/esbuild.exe', out: 'windows-amd64.exe' },
];

mkdirSync(root, { recursive: true });
for (const { pkg, entry, out } of wanted) {
  const target = join(root, out);
  if (existsSync(target)) continue;
  const work = mkdtempSync(join(tmpdir(), 'smoke-bin-'));
  try {
    // zx quotes each interpolated value: a package or entry name is one argument, never shell syntax.
    const here = $({ cwd: work, quiet: true });
    const tgz = (await here`npm pack --silent ${`${pkg}@${version}`}`).stdout.trim().split('\n').pop();
    await here`tar -xzf ${tgz} ${entry}`;
    renameSync(join(work, entry), target);
    console.error(`fetch-test-binaries: ${pkg}@${version} -> ${target}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
