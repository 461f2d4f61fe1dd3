import type { PlatformId } from '../domain/platform.ts';
import type { HostConfig, InspectLimits, PlatformRules, ProbeSettings, ReleaseRules } from './types.ts';

/** What hosts.yaml may leave out: ephemerd's release layout and probe habits (see docs/DOMAIN). */
export const DEFAULT_RELEASE: Readonly<ReleaseRules> = {
  tagPattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+(-[A-Za-z0-9.]+)?$',
  assetPattern: 'ephemerd_{tag}_{os}_{arch}.{ext}',
  checksumsAsset: 'checksums.txt',
  binaryName: 'ephemerd',
  versionStamp: 'main.version',
  goBuildInfo: 'required',
  // ephemerd's Linux builds are static; Windows and macOS are not judged on cgo.
  cgoEnabled: { linux: false },
  // Vz refuses to boot a VM without it.
  entitlements: ['com.apple.security.virtualization'],
  sizeChangeRatio: 0.25,
};

const MB = 1_000_000;

/**
 * ephemerd's four targets and the size under which a binary must be a placeholder build.
 * The floors are configurable guesses, not measurements: Linux carries no VM assets
 * (runner tarball, CNI plugins, shim), while Windows and macOS embed a Linux VM kernel,
 * initrd and rootfs, so a real build is several hundred MB.
 */
export const DEFAULT_PLATFORMS: ReadonlyMap<PlatformId, Readonly<PlatformRules>> = new Map<PlatformId, PlatformRules>([
  ['linux/amd64', { minBinaryBytes: 20 * MB }],
  ['linux/arm64', { minBinaryBytes: 20 * MB }],
  ['windows/amd64', { minBinaryBytes: 100 * MB }],
  ['darwin/arm64', { minBinaryBytes: 100 * MB }],
]);

export const DEFAULT_INSPECT: Readonly<InspectLimits> = {
  maxExtractedBytes: 2 * 1024 ** 3,
};

/** Returns a fresh copy: callers merge overrides into it. */
export function defaultProbes(): ProbeSettings {
  return {
    version: { enabled: true, timeoutMs: 30_000 },
    boot: {
      mode: 'serve',
      // containerd and, on Windows/macOS, the Linux VM start before "ready": minutes, not seconds.
      timeoutMs: 180_000,
      // slog text: `time=… level=INFO msg="ephemerd ready"`.
      readyPattern: 'msg="ephemerd ready"',
      // A Windows build with placeholder VM assets keeps running after these lines.
      failPatterns: ['level=ERROR', 'is empty', 'Linux VM not started'],
      healthz: true,
      port: 0,
      stopGraceMs: 30_000,
    },
    extra: [],
  };
}

/** An extra probe without `timeoutSeconds` gets this long. */
export const DEFAULT_EXTRA_PROBE_TIMEOUT_MS = 60_000;

export const DEFAULT_TIMEOUTS: Readonly<HostConfig['timeouts']> = {
  connectMs: 20_000,
  // The Windows binary is ~700 MB; a slow link needs minutes.
  uploadMs: 30 * 60_000,
  commandMs: 60_000,
};

export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RETRIES = 1;
export const DEFAULT_STATUS_CONTEXT = 'smoke-test';

/** Where ssh looks when nothing else is said (ssh_config(5), ssh(1)); `~` is HOME. */
export const DEFAULT_SSH_CONFIG_FILE = '~/.ssh/config';
export const DEFAULT_KNOWN_HOSTS_FILE = '~/.ssh/known_hosts';
export const DEFAULT_IDENTITY_FILES: readonly string[] = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
