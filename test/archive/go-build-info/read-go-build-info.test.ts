import { readFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuildInfoScanner } from '../../../src/archive/go-build-info/build-info-scanner.ts';
import { buildSetting, parseModuleInfo } from '../../../src/archive/go-build-info/module-info.ts';
import { buildInfoFromScanner, readGoBuildInfo, type GoBuildInfoRead } from '../../../src/archive/go-build-info/read-go-build-info.ts';
import { identifyExecutable } from '../../../src/archive/headers/identify-executable.ts';
import { encodeBuildInfoBlob, realBlob } from '../../support/go-build-info-variant.ts';
import { randomChunks, TEST_BINARIES } from '../../support/test-binaries.ts';

function scanChunks(chunks: Iterable<Buffer>): GoBuildInfoRead {
  const scanner = new BuildInfoScanner();
  for (const chunk of chunks) scanner.push(chunk);
  return buildInfoFromScanner(scanner);
}

function found(read: GoBuildInfoRead): Extract<GoBuildInfoRead, { found: true }>['info'] {
  if (!read.found) throw new Error(`no build info: ${read.reason}`);
  return read.info;
}

describe("readGoBuildInfo on esbuild's real release binaries (stripped, no symbol table read)", () => {
  for (const { platform, file } of TEST_BINARIES) {
    it(`${platform}: what go version -m prints, and GOOS/GOARCH agree with the executable header`, async () => {
      const info = found(await readGoBuildInfo(createReadStream(file)));
      const bytes = readFileSync(file);
      expect(info.goVersion).toBe('go1.23.12');
      // A second witness: the runtime keeps its own copy of the toolchain version.
      expect(bytes.indexOf('go1.23.12')).not.toBe(info.offset + 33);
      expect(info.offset % 16).toBe(0);
      expect(info.module.path).toBe('github.com/evanw/esbuild/cmd/esbuild');
      expect(info.module.main).toEqual({ path: 'github.com/evanw/esbuild', version: '(devel)', sum: '' });
      const header = identifyExecutable(bytes.subarray(0, 65536));
      if (!header.ok) throw new Error(header.reason);
      expect(`${buildSetting(info.module, 'GOOS')}/${buildSetting(info.module, 'GOARCH')}`).toBe(`${header.info.os}/${header.info.arch}`);
      expect(`${header.info.os}/${header.info.arch}`).toBe(platform);
      expect(buildSetting(info.module, 'CGO_ENABLED')).toBe('0');
      expect(buildSetting(info.module, '-trimpath')).toBe('true');
      expect(buildSetting(info.module, 'vcs')).toBe('git');
      expect(buildSetting(info.module, 'vcs.revision')).toMatch(/^[0-9a-f]{40}$/);
      expect(buildSetting(info.module, 'vcs.modified')).toBe('false');
      // The runtime's copy of the module info (for debug.ReadBuildInfo) says the same.
      const text = bytes.toString('latin1');
      const settingsLine = `build\tGOOS=${platform.split('/')[0]}\n`;
      expect(text.indexOf(settingsLine)).not.toBe(text.lastIndexOf(settingsLine));
      if (platform !== 'windows/amd64') {
        expect(info.module.deps.map((d) => d.path)).toEqual(['golang.org/x/sys']);
        expect(info.module.deps[0]?.sum).toMatch(/^h1:/);
      }
    });
  }

  it('gives the same answer whatever the chunk sizes (1 to 97 bytes, and up to 200 KB)', () => {
    const { file } = TEST_BINARIES[2]!;
    const bytes = readFileSync(file);
    const whole = scanChunks([bytes]);
    expect(whole.found).toBe(true);
    for (const [seed, max] of [[1, 97], [2, 200_000], [3, 4096]] as const) {
      expect(scanChunks(randomChunks(bytes, seed, max))).toEqual(whole);
    }
  });

  it('finds a blob whose magic, header or strings straddle any chunk boundary', () => {
    const bytes = readFileSync(TEST_BINARIES[0]!.file);
    const { offset, length } = realBlob(bytes);
    const region = bytes.subarray(offset - 4096, offset + length + 4096);
    const whole = scanChunks([region]);
    expect(found(whole).goVersion).toBe('go1.23.12');
    for (let cut = 4096 - 16; cut <= 4096 + length + 1; cut += 1) {
      expect(scanChunks([region.subarray(0, cut), region.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
    }
  });
});

describe('BuildInfoScanner on written blobs', () => {
  const moduleInfo = 'path\texample.com/app\nmod\texample.com/app\t(devel)\t\nbuild\tGOOS=linux\nbuild\tGOARCH=amd64\n';
  const blob = encodeBuildInfoBlob('go1.26.1', moduleInfo);
  const at = (offset: number, content: Buffer, total = offset + content.length + 64): Buffer => {
    const file = Buffer.alloc(total, 0x41);
    content.copy(file, offset);
    return file;
  };

  it('reads a blob at a 16-byte boundary and ignores one that is not aligned', () => {
    expect(found(scanChunks([at(4096, blob)])).offset).toBe(4096);
    const misaligned = scanChunks([at(4104, blob)]);
    expect(misaligned).toEqual({ found: false, reason: expect.stringMatching(/^no Go build info in the binary/) });
  });

  it('skips a magic in other data (a string constant) and finds the real blob after it', () => {
    const file = at(1024, Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from('\x00\x00not a header')]), 8192);
    blob.copy(file, 4096);
    for (const chunks of [[file], [...randomChunks(file, 9, 50)]]) {
      const info = found(scanChunks(chunks));
      expect(info.offset).toBe(4096);
      expect(info.module.path).toBe('example.com/app');
    }
  });

  it('says when the blob is cut off by the end of the file', () => {
    const cut = at(0, blob).subarray(0, 60);
    expect(scanChunks([cut])).toEqual({ found: false, reason: 'build info at offset 0 is cut off by the end of the file' });
  });

  it('names the pre-1.18 pointer form, which it does not read', () => {
    const old = encodeBuildInfoBlob('go1.17', moduleInfo, 0);
    const read = scanChunks([at(0, old)]);
    expect(read.found).toBe(false);
    expect(!read.found && read.reason).toMatch(/^build info at offset 0 is not readable: build info in the pointer form of Go before 1\.18/);
  });

  it('finds nothing in a file that is not Go, and says so', () => {
    const read = scanChunks([Buffer.from('#!/bin/sh\necho hello\n')]);
    expect(read).toEqual({ found: false, reason: expect.stringContaining('not built by Go 1.13 or later') });
  });
});

describe('parseModuleInfo', () => {
  it('unquotes quoted settings as cmd/go writes them, and keeps replacements', () => {
    const info = parseModuleInfo(
      [
        'path\texample.com/app/cmd/app',
        'mod\texample.com/app\tv1.2.3\th1:abc=',
        'dep\texample.com/lib\tv0.1.0\th1:def=',
        '=>\t../lib\t(devel)\t',
        'build\t-ldflags="-s -w -X \\"main.version=v1.2.3\\" -X main.note=a\\tb"',
        'build\t"weird=key"=1',
        'build\tCGO_ENABLED=0',
      ].join('\n'),
    );
    expect(info.main).toEqual({ path: 'example.com/app', version: 'v1.2.3', sum: 'h1:abc=' });
    expect(info.deps[0]).toEqual({ path: 'example.com/lib', version: 'v0.1.0', sum: 'h1:def=', replacedBy: { path: '../lib', version: '(devel)', sum: '' } });
    expect(buildSetting(info, '-ldflags')).toBe('-s -w -X "main.version=v1.2.3" -X main.note=a\tb');
    expect(buildSetting(info, 'weird=key')).toBe('1');
    expect(buildSetting(info, 'CGO_ENABLED')).toBe('0');
    expect(buildSetting(info, 'GOOS')).toBeUndefined();
  });
});
