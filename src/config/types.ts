import type { PlatformId } from '../domain/platform.ts';

/** Where a value came from in hosts.yaml, so errors later in a run can point at it. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface ReleaseRules {
  /** Tags that do not match are not ours and are ignored (a RegExp source). */
  tagPattern: string;
  /**
   * Archive name pattern. Placeholders: {tag} {os} {arch} {ext}. {ext} is `zip` on windows,
   * `tar.gz` elsewhere.
   */
  assetPattern: string;
  checksumsAsset: string;
  /** The binary's name inside each archive, without `.exe`. */
  binaryName: string;
  /** The symbol `-ldflags "-X <symbol>=<tag>"` must set, e.g. `main.version`. */
  versionStamp: string;
  /** `required`: a binary without Go build info fails; `optional`: the build check is skipped. */
  goBuildInfo: 'required' | 'optional';
  /** Per OS (`linux`, …): the CGO_ENABLED the build must record, or `any`. OSes not listed: any. */
  cgoEnabled: Record<string, CgoRule>;
  /** Entitlements a darwin binary's signature must grant (each with the value true). */
  entitlements: string[];
  /** An archive whose size differs from the last published release's by more than this (0.25 = ±25%) fails. */
  sizeChangeRatio: number;
}

/** `false`: the build must record CGO_ENABLED=0; `true`: CGO_ENABLED=1; `any`: not checked. */
export type CgoRule = boolean | 'any';

export interface PlatformRules {
  /** A binary smaller than this is a placeholder build. */
  minBinaryBytes: number;
}

export interface InspectLimits {
  /** Decompressed size cap for one archive (zip bombs). */
  maxExtractedBytes: number;
}

export interface VersionProbeSettings {
  enabled: boolean;
  timeoutMs: number;
}

export interface BootProbeSettings {
  /** `serve`: run the foreground daemon; `service`: install/start/stop/uninstall (opt-in); `off`. */
  mode: 'serve' | 'service' | 'off';
  timeoutMs: number;
  /** RegExp source a log line must match to count as ready. */
  readyPattern: string;
  /** RegExp sources; any log line matching one is a `fail`. */
  failPatterns: string[];
  /** Also require GET /healthz on the host to answer `"status":"ok"`. */
  healthz: boolean;
  /** Health server port; 0 picks a free one on the host. */
  port: number;
  /** How long SIGTERM may take before SIGKILL. */
  stopGraceMs: number;
}

export interface ExtraProbeSettings {
  name: string;
  /** Run in the run directory; `{binary}` stands for the extracted binary's path, quoted for the host's shell. */
  command: string;
  expectExitCode: number;
  /** RegExp source stdout must match, when set. */
  expectOutput?: string;
  timeoutMs: number;
}

export interface ProbeSettings {
  version: VersionProbeSettings;
  boot: BootProbeSettings;
  extra: ExtraProbeSettings[];
}

export type HostAuth =
  | { kind: 'key'; identityFile: string; passphraseEnv?: string }
  | { kind: 'agent'; socket?: string }
  /**
   * As `ssh` does when hosts.yaml names no key: the agent's keys (when SSH_AUTH_SOCK is set),
   * then each of these files that exists (ssh_config's IdentityFile, else ~/.ssh/id_ed25519,
   * id_ecdsa, id_rsa). Encrypted files are skipped: nobody is there to type a passphrase.
   */
  | { kind: 'openssh'; agent?: string; identityFiles: string[] };

export type HostKeyPolicy =
  | { kind: 'pinned'; line: string }
  | { kind: 'knownHosts'; file: string }
  | { kind: 'insecure' };

/** One SSH server on the way: a host, or a jump host in front of it. */
export interface SshEndpoint {
  address: string;
  port: number;
  user: string;
  auth: HostAuth;
  hostKey: HostKeyPolicy;
}

/** A hop of `proxyJump`, as ssh's ProxyJump: the next hop is reached through its forwarding. */
export interface JumpHost extends SshEndpoint {
  /** As written in hosts.yaml or ssh_config (an alias, or `user@host:port`): errors name it. */
  name: string;
}

/** What every host has, however smoke reaches it. */
export interface HostBase {
  name: string;
  platform: PlatformId;
  shell: 'posix' | 'powershell';
  /** Parent of per-run directories; undefined means the host's temp dir. */
  workdir?: string;
  /** Unix: run probes through `sudo -n`. */
  sudo: boolean;
  /**
   * Runs the binary through this program instead of directly (e.g. `qemu-aarch64-static` for an
   * arm64 build on an x86 host). The sandbox uses it to run its stand-in ephemerd. Empty: none.
   */
  launcher: string[];
  /** Defaults, then the platform's overrides, then the host's: already merged. */
  probes: ProbeSettings;
  timeouts: { connectMs: number; uploadMs: number; commandMs: number };
  source: SourceRef;
}

/** A test host reached over SSH (`transport: ssh`, the default). */
export interface SshHostConfig extends HostBase, SshEndpoint {
  transport?: 'ssh';
  /** Jump hosts in order, the first reached directly; none or empty: a direct connection. */
  jumps?: JumpHost[];
}

/** `transport: local`: the machine running smoke is the host (e.g. a CI runner of that platform). */
export interface LocalHostConfig extends HostBase {
  transport: 'local';
}

export type HostConfig = SshHostConfig | LocalHostConfig;

/** One repository of `repositories:`, with the top-level rules filled in where it sets none. */
export interface RepositoryConfig {
  /** `owner/name`. */
  repo: string;
  release: ReleaseRules;
  statusContext: string;
  /** The platforms its drafts must have: all of the top-level ones, or those it lists. */
  platforms: PlatformId[];
  source: SourceRef;
}

export interface SmokeConfig {
  /** The file it was read from (absolute). */
  file: string;
  /** `owner/name`; the CLI falls back to GITHUB_REPOSITORY. */
  repo?: string;
  /** `repositories:` (empty when the file has none): a watch tests them all, sharing the hosts. */
  repositories: RepositoryConfig[];
  release: ReleaseRules;
  /** Expected platforms in order, with their rules. */
  platforms: Map<PlatformId, PlatformRules>;
  inspect: InspectLimits;
  hosts: HostConfig[];
  /** At most this many platforms at once (never more than one run per host). */
  concurrency: number;
  /** How often an infrastructure error (connect, transfer) is retried; failures never are. */
  retries: number;
  statusContext: string;
}
