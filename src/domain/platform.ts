/** A release target as `os/arch`, e.g. `linux/amd64`. */
export type PlatformId = `${string}/${string}`;

export interface Platform {
  id: PlatformId;
  os: string;
  arch: string;
}

/** ephemerd's four release targets, the default expectation for a draft. */
export const EPHEMERD_PLATFORMS: readonly PlatformId[] = [
  'linux/amd64',
  'linux/arm64',
  'windows/amd64',
  'darwin/arm64',
];

const PLATFORM_RE = /^([a-z0-9]+)\/([a-z0-9]+)$/;

/** The binary's file name in an archive and on a host: a Windows build is `<name>.exe` wherever it is. */
export function binaryFileName(platform: PlatformId, binaryName: string): string {
  return platform.startsWith('windows/') ? `${binaryName}.exe` : binaryName;
}

export function parsePlatform(id: string): Platform | undefined {
  const m = PLATFORM_RE.exec(id);
  if (!m) return undefined;
  return { id: id as PlatformId, os: m[1]!, arch: m[2]! };
}
