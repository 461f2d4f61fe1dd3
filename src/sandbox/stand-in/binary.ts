import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PlatformId } from '../../domain/platform.ts';
import { PAYLOAD_MARKER, PAYLOAD_OFFSET, type StandInBehaviour, type StandInPayload } from './behaviour.ts';
import { executableHeader } from './executable-header.ts';
import { paddingChunks, type Padding } from './padding.ts';
import { addCodeSignatureCommand, AdHocSigner } from './ad-hoc-signature.ts';
import { encodeBuildInfoBlob, standInModuleInfo, type StandInBuild } from './build-info-blob.ts';
import { parsePlatform } from '../../domain/platform.ts';

export interface StandInBinaryOptions {
  platform: PlatformId;
  behaviour: StandInBehaviour;
  /** The file's size; raised to the header and payload's size when smaller. */
  sizeBytes?: number;
  /** Default `zeros`; `random` makes the archive as large as the binary (incompressible). */
  padding?: Padding;
  /** What its Go build info says (default: stamped with `behaviour.version`, no vcs lines). */
  build?: StandInBuild;
  /** darwin: the entitlements its ad-hoc signature grants (default: the virtualization entitlement). */
  entitlements?: readonly string[];
}

/** A stand-in binary as a size and a generator of its bytes, for streaming into archives. */
export interface StandInContent {
  size: number;
  /** zlib level for archives: random padding does not compress, so deflating it only costs time. */
  compressionLevel: number;
  chunks(): Generator<Buffer>;
}

/**
 * Header, then the marker line and the JSON payload ephemerd.mjs reads, Go's build-info blob (at
 * a 16-byte boundary, as the linker aligns it), then padding; a darwin one ends in an ad-hoc
 * signature with the virtualization entitlement, as ephemerd's release builds are signed.
 */
export function standInContent(options: StandInBinaryOptions): StandInContent {
  const payload: StandInPayload = { ...options.behaviour, platform: options.platform };
  const tail = Buffer.from(`${PAYLOAD_MARKER}${JSON.stringify(payload)}\n`, 'utf8');
  const build = options.build ?? { stamp: options.behaviour.version };
  const blob = encodeBuildInfoBlob('go1.24.2', standInModuleInfo(options.platform, build));
  const blobAt = Math.ceil((PAYLOAD_OFFSET + tail.length) / 16) * 16;
  const minimum = blobAt + blob.length;
  const darwin = parsePlatform(options.platform)?.os === 'darwin';
  const requested = Math.max(options.sizeBytes ?? 0, minimum);
  const signer = darwin ? new AdHocSigner(requested, options.entitlements ?? [VIRTUALIZATION]) : undefined;
  // The signature is part of the requested size: the code before it is what is left.
  const codeSize = signer ? Math.max(minimum, requested - signer.size) : requested;
  const sign = darwin ? new AdHocSigner(codeSize, options.entitlements ?? [VIRTUALIZATION]) : undefined;
  const size = codeSize + (sign?.size ?? 0);
  const header = executableHeader(options.platform, size);
  if (sign) addCodeSignatureCommand(header, codeSize, sign.size);
  const head = Buffer.alloc(minimum);
  Buffer.concat([header, tail]).copy(head);
  blob.copy(head, blobAt);
  const seed = `${options.platform}:${options.behaviour.variant}`;
  const padding = options.padding ?? 'zeros';
  return {
    size,
    compressionLevel: padding === 'random' ? 0 : 1,
    *chunks() {
      for (const chunk of [head, ...paddingChunks(codeSize - head.length, padding, seed)]) {
        sign?.push(chunk);
        yield chunk;
      }
      if (sign) yield sign.signature();
    },
  };
}

const VIRTUALIZATION = 'com.apple.security.virtualization';

/** The whole binary in memory: for small sizes. */
export function makeStandInBinary(options: StandInBinaryOptions): Buffer {
  return Buffer.concat([...standInContent(options).chunks()]);
}

/** Writes the binary to `path` (mode 0755), streaming: any size. */
export async function writeStandInBinary(path: string, options: StandInBinaryOptions): Promise<void> {
  await pipeline(Readable.from(standInContent(options).chunks()), createWriteStream(path, { mode: 0o755 }));
}

/** The payload a stand-in binary carries, or undefined when it is not one. */
export function parseStandInPayload(head: Buffer): StandInPayload | undefined {
  const at = head.indexOf(PAYLOAD_MARKER, 0, 'utf8');
  if (at < 0) return undefined;
  const start = at + PAYLOAD_MARKER.length;
  const end = head.indexOf('\n', start, 'utf8');
  if (end < 0) return undefined;
  return JSON.parse(head.subarray(start, end).toString('utf8')) as StandInPayload;
}

/** Reads the payload from a stand-in binary on disk (only its first 64 KiB). */
export async function readStandInPayload(path: string): Promise<StandInPayload | undefined> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return parseStandInPayload(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
