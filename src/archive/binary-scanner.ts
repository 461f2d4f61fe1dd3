import { CodeSignatureScanner, type SignatureEvidence } from './code-signature/code-signature-scanner.ts';
import { BuildInfoScanner } from './go-build-info/build-info-scanner.ts';
import { buildInfoFromScanner, type GoBuildInfoRead } from './go-build-info/read-go-build-info.ts';

/** What one pass over a binary's bytes gathers for the static checks. */
export interface BinaryEvidence {
  buildInfo: GoBuildInfoRead;
  signature: SignatureEvidence;
}

/**
 * Feeds each chunk of a binary to every static reader, so an archive entry is decompressed once
 * for all of them. A reader that has its answer ignores the rest.
 */
export class BinaryScanner {
  private readonly buildInfo = new BuildInfoScanner();
  private readonly signature = new CodeSignatureScanner();

  push(chunk: Buffer): void {
    this.buildInfo.push(chunk);
    this.signature.push(chunk);
  }

  result(): BinaryEvidence {
    return { buildInfo: buildInfoFromScanner(this.buildInfo), signature: this.signature.result() };
  }
}

export async function scanBinary(bytes: AsyncIterable<Buffer>): Promise<BinaryEvidence> {
  const scanner = new BinaryScanner();
  for await (const chunk of bytes) scanner.push(chunk);
  return scanner.result();
}
