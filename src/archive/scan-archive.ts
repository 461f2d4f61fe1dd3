import type { ScanOptions, ScanResult } from './archive-entry.ts';
import { scanTarGz } from './read-tar-gz.ts';
import { scanZip } from './read-zip.ts';

export type ArchiveKind = 'tar.gz' | 'zip';

/** The archive kind from an asset's name; undefined for names this service does not read. */
export function archiveKind(assetName: string): ArchiveKind | undefined {
  if (/\.(tar\.gz|tgz)$/i.test(assetName)) return 'tar.gz';
  if (/\.zip$/i.test(assetName)) return 'zip';
  return undefined;
}

export function scanArchive(path: string, kind: ArchiveKind, options: ScanOptions): Promise<ScanResult> {
  return kind === 'zip' ? scanZip(path, options) : scanTarGz(path, options);
}
