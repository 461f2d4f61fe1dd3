import { z } from 'zod';
import { CHECK_ORDER } from '../domain/verdict.ts';
import { jumpHopList } from './jump-spec.ts';
import { parseSize } from './parse-size.ts';

/**
 * The shape of hosts.yaml as written (camelCase keys, seconds, sizes as text). Every object is
 * strict so a typo is an error; rules that span several keys live in check-*.ts.
 * Each `error` text is the "expected …" half of a message; the loader adds what it got.
 */

function intRange(min: number, max: number): z.ZodNumber {
  const error = `expected an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const seconds = z
  .number({ error: 'expected a number of seconds' })
  .positive({ error: 'expected a number of seconds greater than 0' })
  .max(86_400, { error: 'expected at most 86400 seconds (a day)' });

const text = z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' });

const bool = z.boolean({ error: 'expected true or false' });

const size = z.unknown().transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === undefined || bytes === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 20MB, 2GiB or a number of bytes' });
    return z.NEVER;
  }
  return bytes;
});

const pattern = text.superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

const versionProbe = z.strictObject({ enabled: bool, timeoutSeconds: seconds }).partial();

const bootProbe = z
  .strictObject({
    mode: z.enum(['serve', 'service', 'off'], { error: 'expected serve, service or off' }),
    timeoutSeconds: seconds,
    readyPattern: pattern,
    failPatterns: z.array(pattern, { error: 'expected a list of regular expressions' }),
    healthz: bool,
    port: intRange(0, 65535),
    stopGraceSeconds: seconds,
  })
  .partial();

const BUILT_IN_CHECKS: readonly string[] = CHECK_ORDER;

const extraProbe = z.strictObject({
  name: z
    .string({ error: 'expected a string' })
    .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a name of lowercase letters, digits and dashes' })
    .refine((name) => !BUILT_IN_CHECKS.includes(name), { error: `expected a name other than the built-in checks (${CHECK_ORDER.join(', ')})` }),
  command: text,
  expectExitCode: intRange(0, 255).optional(),
  expectOutput: pattern.optional(),
  timeoutSeconds: seconds.optional(),
});

export const probesSchema = z
  .strictObject({
    version: versionProbe,
    boot: bootProbe,
    extra: z.array(extraProbe, { error: 'expected a list of probes' }),
  })
  .partial();

const timeoutsSchema = z
  .strictObject({ connectSeconds: seconds, uploadSeconds: seconds, commandSeconds: seconds })
  .partial();

const hostAddress = z.string({ error: 'expected a string' }).regex(/^[^\s@]+$/, { error: 'expected a host name, IP address or ~/.ssh/config alias' });
const sshPort = intRange(1, 65535);
const loginUser = z.string({ error: 'expected a string' }).regex(/^[^\s@:]+$/, { error: 'expected a user name' });

/** How to log in to and recognise one SSH server: a host, or a jump host in front of it. */
const endpointKeys = {
  address: hostAddress,
  port: sshPort.optional(),
  user: loginUser.optional(),
  identityFile: text.optional(),
  agent: z.union([z.boolean(), text], { error: 'expected true or the path of an agent socket' }).optional(),
  passphraseEnv: z
    .string({ error: 'expected a string' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected the name of an environment variable' })
    .optional(),
  hostKey: text.optional(),
  knownHosts: text.optional(),
  insecureAcceptAnyHostKey: bool.optional(),
};

export const jumpHopSchema = z.strictObject(endpointKeys);

/** `bastion`, `user@bastion:2222`, `a,b`, `none`, or a list of hops (strings or maps). */
const proxyJump = z.preprocess(
  jumpHopList,
  z.array(jumpHopSchema, { error: 'expected a jump host ([user@]host[:port]), "none", or a list of jump hosts' }),
);

export const hostSchema = z.strictObject({
  name: z
    .string({ error: 'expected a string' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected a name of letters, digits, ".", "_" and "-"' }),
  platform: text,
  ...endpointKeys,
  // Required for SSH (the refinement below), absent for transport: local.
  address: hostAddress.optional(),
  proxyJump: proxyJump.optional(),
  /** `local`: this machine is the host (a CI runner of the platform), no SSH. */
  transport: z.enum(['ssh', 'local'], { error: 'expected ssh or local' }).optional(),
  shell: z.enum(['posix', 'powershell'], { error: 'expected posix or powershell' }).optional(),
  workdir: text.optional(),
  sudo: bool.optional(),
  launcher: z.array(text, { error: 'expected a list of strings' }).optional(),
  timeouts: timeoutsSchema.optional(),
  probes: probesSchema.optional(),
}).refine((host) => host.transport === 'local' || host.address !== undefined, {
  path: ['address'],
  message: 'missing required key "address"',
  // Also when other keys are wrong, so every mistake of the host is reported at once.
  when: (payload) => typeof payload.value === 'object' && payload.value !== null,
});

const platformSchema = z.strictObject({ minBinaryBytes: size, probes: probesSchema }).partial().nullable();

const repoName = z
  .string({ error: 'expected a string' })
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected owner/name, e.g. ephpm/ephemerd' });

const releaseSchema = z
  .strictObject({
    tagPattern: pattern,
    assetPattern: text.refine((p) => p.includes('{os}') && p.includes('{arch}'), {
      error: 'expected a pattern with {os} and {arch} (and usually {tag} and {ext})',
    }),
    checksumsAsset: text,
    binaryName: text,
    versionStamp: z
      .string({ error: 'expected a string' })
      .regex(/^[^\s=]+\.[^\s=.]+$/, { error: 'expected a Go symbol such as main.version or example.com/pkg/build.Version' }),
    goBuildInfo: z.enum(['required', 'optional'], { error: 'expected required or optional' }),
    cgoEnabled: z.record(
      z.string().regex(/^[a-z0-9]+$/, { error: 'expected an OS name such as linux, windows or darwin' }),
      z.union([z.boolean(), z.literal('any')], { error: 'expected true, false or any' }),
      { error: 'expected a map of OS to true, false or any, e.g. { linux: false }' },
    ),
    entitlements: z.array(text, { error: 'expected a list of entitlement names' }),
    sizeChangeRatio: z
      .number({ error: 'expected a ratio such as 0.25 (±25%)' })
      .positive({ error: 'expected a ratio greater than 0, such as 0.25 (±25%)' })
      .max(100, { error: 'expected a ratio of at most 100' }),
  })
  .partial();

const statusSchema = z.strictObject({ context: text }).partial();

/** One repository of `repositories:`: its own release rules, status context and platforms over the top-level ones. */
const repositorySchema = z.strictObject({
  repo: repoName,
  release: releaseSchema.optional(),
  status: statusSchema.optional(),
  /** The platforms its drafts have, of those under platforms: (default: all of them). */
  platforms: z.array(text, { error: 'expected a list of platforms (os/arch) from platforms:' }).min(1, { error: 'expected at least one platform, or leave platforms: out for all' }).optional(),
});

export const configSchema = z.strictObject({
  repo: repoName.optional(),
  /** Several repositories in one watch; each inherits the top-level release: and status: key by key. */
  repositories: z
    .array(repositorySchema, { error: 'expected a list of repositories, each with repo: owner/name' })
    .min(1, { error: 'expected at least one repository, or leave repositories: out' })
    .optional(),
  release: releaseSchema.optional(),
  platforms: z.record(z.string(), platformSchema, { error: 'expected a map of os/arch to platform rules' }).optional(),
  inspect: z.strictObject({ maxExtractedBytes: size }).partial().optional(),
  concurrency: intRange(1, 64).optional(),
  retries: intRange(0, 10).optional(),
  status: statusSchema.optional(),
  timeouts: timeoutsSchema.optional(),
  probes: probesSchema.optional(),
  sshConfig: text.optional(),
  hosts: z.array(hostSchema, { error: 'expected a list of hosts' }).min(1, { error: 'expected at least one host' }),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawHost = z.infer<typeof hostSchema>;
export type RawRepository = z.infer<typeof repositorySchema>;
export type RawRelease = z.infer<typeof releaseSchema>;
export type RawJumpHop = z.infer<typeof jumpHopSchema>;
export type RawProbes = z.infer<typeof probesSchema>;
