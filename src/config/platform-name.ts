import { closestName } from './closest-name.ts';

// Go's GOOS/GOARCH names: the release's asset names use them.
const OSES = ['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows'];
const ARCHES = ['386', 'amd64', 'arm', 'arm64', 'loong64', 'mips', 'mips64', 'mips64le', 'mipsle', 'ppc64', 'ppc64le', 'riscv64', 's390x'];

// What people write instead of Go's names.
const ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  macos: 'darwin',
  osx: 'darwin',
  mac: 'darwin',
  win: 'windows',
  win32: 'windows',
  win64: 'windows',
};

/** Why `id` is not a platform (`os/arch` in Go's names), or undefined when it is one. */
export function platformNameProblem(id: string): string | undefined {
  const [os, arch, ...more] = id.includes('/') ? id.split('/') : id.split(/[-_](.*)/s);
  if (id.includes('/') && more.length === 0 && os && arch && OSES.includes(os) && ARCHES.includes(arch)) return undefined;
  const suggest = (word: string, known: string[]): string => ALIASES[word.toLowerCase()] ?? closestName(word, known) ?? word;
  const guess = os && arch && !more.some(Boolean) ? `${suggest(os, OSES)}/${suggest(arch, ARCHES)}` : undefined;
  const hint = guess && guess !== id ? `; did you mean "${guess}"?` : ' (e.g. linux/amd64)';
  return `unknown platform "${id}": expected os/arch in Go's names${hint}`;
}
