import { CodeSignatureScanner, type SignatureEvidence } from './code-signature-scanner.ts';

/** Gathers a binary's code-signature evidence from its bytes as they stream past. */
export async function readCodeSignature(bytes: AsyncIterable<Buffer>): Promise<SignatureEvidence> {
  const scanner = new CodeSignatureScanner();
  for await (const chunk of bytes) scanner.push(chunk);
  return scanner.result();
}
