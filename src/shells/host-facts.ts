/** What a host says about itself (the output of `Shell.hostFacts`), in our words. */
export interface HostFacts {
  /** `linux`, `darwin`, `windows`, or what the host printed, lowercased. */
  os: string;
  /** `amd64`, `arm64`, or what the host printed, lowercased. */
  arch: string;
  workdir: 'ok' | 'missing' | 'read-only' | 'unknown';
  /** Free space under the workdir; undefined when the host could not say. */
  freeBytes?: number;
  /** Whether the asked-about program (the launcher) is on the host's PATH. */
  program?: boolean;
}

const OS_WORDS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32nt: 'windows', windows_nt: 'windows', windows: 'windows' };
const ARCH_WORDS: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', x64: 'amd64', aarch64: 'arm64', arm64: 'arm64' };

export function osWord(reported: string): string {
  const key = reported.trim().toLowerCase();
  return OS_WORDS[key] ?? (key || 'unknown');
}

export function archWord(reported: string): string {
  const key = reported.trim().toLowerCase();
  return ARCH_WORDS[key] ?? (key || 'unknown');
}

export function parseHostFacts(stdout: string): HostFacts {
  const values = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^(os|arch|workdir|freeKiB|program) (.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.trim());
  }
  const workdir = values.get('workdir');
  const freeKiB = values.get('freeKiB');
  const program = values.get('program');
  return {
    os: osWord(values.get('os') ?? ''),
    arch: archWord(values.get('arch') ?? ''),
    workdir: workdir === 'ok' || workdir === 'missing' || workdir === 'read-only' ? workdir : 'unknown',
    ...(freeKiB !== undefined && /^\d+$/.test(freeKiB) ? { freeBytes: Number(freeKiB) * 1024 } : {}),
    ...(program === undefined ? {} : { program: program === 'yes' }),
  };
}
