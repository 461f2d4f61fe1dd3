import { BuildInfoScanner } from './build-info-scanner.ts';
import { parseModuleInfo, type GoModuleInfo } from './module-info.ts';

/** A Go binary's build info: the toolchain and the module info `go version -m` prints. */
export interface GoBuildInfo {
  /** e.g. `go1.26.1`. */
  goVersion: string;
  /** File offset of the blob's magic. */
  offset: number;
  module: GoModuleInfo;
}

export type GoBuildInfoRead = { found: true; info: GoBuildInfo } | { found: false; reason: string };

/** The scanner's answer in domain words. */
export function buildInfoFromScanner(scanner: BuildInfoScanner): GoBuildInfoRead {
  const scan = scanner.result();
  if (!scan.found) return scan;
  const { goVersion, offset, moduleInfo } = scan.blob;
  return { found: true, info: { goVersion, offset, module: parseModuleInfo(moduleInfo) } };
}

/** Reads a binary's build info from its bytes as they stream past (a file, an archive entry). */
export async function readGoBuildInfo(bytes: AsyncIterable<Buffer>): Promise<GoBuildInfoRead> {
  const scanner = new BuildInfoScanner();
  for await (const chunk of bytes) {
    scanner.push(chunk);
    if (scanner.done) break;
  }
  return buildInfoFromScanner(scanner);
}
