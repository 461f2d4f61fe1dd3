import { readFile, writeFile } from 'node:fs/promises';
import { BUILD_INFO_HEADER_BYTES, BUILD_INFO_MAGIC } from '../../src/archive/go-build-info/build-info-blob.ts';
import { encodeBuildInfoBlob } from '../../src/sandbox/stand-in/build-info-blob.ts';

export { encodeBuildInfoBlob };

/** Where the real blob sits and what it says, found with a plain search (not the code under test). */
export function realBlob(binary: Buffer): { offset: number; length: number; goVersion: string; moduleInfo: string } {
  let offset = binary.indexOf(BUILD_INFO_MAGIC);
  while (offset % 16 !== 0) offset = binary.indexOf(BUILD_INFO_MAGIC, offset + 1);
  let at = offset + BUILD_INFO_HEADER_BYTES;
  const goVersionLength = binary[at++]!;
  const goVersion = binary.toString('latin1', at, (at += goVersionLength));
  const infoLength = binary[at]! - 0x80 + binary[at + 1]! * 128; // two-byte varint: a few hundred bytes
  at += 2;
  const moduleInfo = binary.toString('utf8', at + 16, at + infoLength - 16);
  return { offset, length: at + infoLength - offset, goVersion, moduleInfo };
}

/**
 * Writes a copy of a real Go binary whose build info says what `edit` makes of the module info.
 * The DefaultGODEBUG line is dropped first so the new blob fits where the old one was: nothing
 * else in the binary moves or changes.
 */
export async function writeBuildInfoVariant(realFile: string, outFile: string, edit: (lines: string[]) => string[]): Promise<Buffer> {
  const binary = await readFile(realFile);
  const blob = realBlob(binary);
  const lines = blob.moduleInfo.split('\n').filter((line) => !line.startsWith('build\tDefaultGODEBUG='));
  const replacement = encodeBuildInfoBlob(blob.goVersion, edit(lines).join('\n'));
  if (replacement.length > blob.length) throw new Error(`variant blob of ${replacement.length} bytes does not fit in ${blob.length}`);
  binary.fill(0, blob.offset, blob.offset + blob.length);
  replacement.copy(binary, blob.offset);
  await writeFile(outFile, binary, { mode: 0o755 });
  return binary;
}

/** Sets (or adds) a `build` setting line, quoting the value as cmd/go does when it holds spaces. */
export function withSetting(lines: string[], key: string, value: string | undefined): string[] {
  const rest = lines.filter((line) => !line.startsWith(`build\t${key}=`));
  if (value === undefined) return rest;
  const shown = /[\s"`]/.test(value) ? JSON.stringify(value) : value;
  const at = rest.findIndex((line) => line.startsWith('build\tCGO_ENABLED='));
  rest.splice(at === -1 ? rest.length : at, 0, `build\t${key}=${shown}`);
  return rest;
}
