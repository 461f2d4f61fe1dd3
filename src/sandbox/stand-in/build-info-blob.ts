import { BUILD_INFO_HEADER_BYTES, BUILD_INFO_MAGIC, FLAG_INLINE_STRINGS, MODINFO_END, MODINFO_START } from '../../archive/go-build-info/build-info-blob.ts';
import { parsePlatform, type PlatformId } from '../../domain/platform.ts';

/** A build-info blob as Go's linker lays it out: header, then two varint-prefixed strings. */
export function encodeBuildInfoBlob(goVersion: string, moduleInfo: string, flags = FLAG_INLINE_STRINGS): Buffer {
  const header = Buffer.alloc(BUILD_INFO_HEADER_BYTES);
  BUILD_INFO_MAGIC.copy(header, 0);
  header[14] = 8;
  header[15] = flags;
  const info = moduleInfo === '' ? Buffer.alloc(0) : Buffer.concat([MODINFO_START, Buffer.from(moduleInfo), MODINFO_END]);
  return Buffer.concat([header, uvarint(Buffer.byteLength(goVersion)), Buffer.from(goVersion), uvarint(info.length), info]);
}

/** What a stand-in's build info says: the release build of `stamp` for its platform. */
export interface StandInBuild {
  /** The `-X main.version=` value. */
  stamp: string;
  /** vcs.revision; left out (a build without git) when undefined. */
  commit?: string;
  /** vcs.modified: true for a build from a tree with uncommitted changes. */
  modified?: boolean;
}

/** The module info of an ephemerd release build (`go version -m`), as cmd/go writes it. */
export function standInModuleInfo(platform: PlatformId, build: StandInBuild): string {
  const parsed = parsePlatform(platform);
  const lines = [
    'path\tgithub.com/ephemer-dev/ephemerd/cmd/ephemerd',
    'mod\tgithub.com/ephemer-dev/ephemerd\t(devel)\t',
    // cmd/go quotes a value with spaces or quotes as Go's strconv.Quote does (JSON agrees for these).
    `build\t-ldflags=${JSON.stringify(`-s -w -X main.version=${build.stamp}`)}`,
    'build\tCGO_ENABLED=0',
    `build\tGOARCH=${parsed?.arch ?? '?'}`,
    `build\tGOOS=${parsed?.os ?? '?'}`,
  ];
  if (build.commit) lines.push('build\tvcs=git', `build\tvcs.revision=${build.commit}`, `build\tvcs.modified=${build.modified === true}`);
  return lines.join('\n');
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
