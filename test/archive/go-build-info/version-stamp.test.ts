import { describe, expect, it } from 'vitest';
import { splitFlags, versionStampIn } from '../../../src/archive/go-build-info/version-stamp.ts';

describe('versionStampIn', () => {
  it('reads -X in every form the linker accepts, the last one winning', () => {
    expect(versionStampIn('-s -w -X main.version=v0.2.4', 'main.version')).toBe('v0.2.4');
    expect(versionStampIn('-X=main.version=v0.2.4 -s', 'main.version')).toBe('v0.2.4');
    expect(versionStampIn('--X main.version=v1 --X=main.version=v2', 'main.version')).toBe('v2');
    expect(versionStampIn("-X 'main.version=v0.2.4 (rc)'", 'main.version')).toBe('v0.2.4 (rc)');
    expect(versionStampIn('-X main.versionSuffix=x -X github.com/ephpm/ephemerd/pkg/runner.Version=v3', 'main.version')).toBeUndefined();
    expect(versionStampIn('-X github.com/ephpm/ephemerd/pkg/runner.Version=v3', 'github.com/ephpm/ephemerd/pkg/runner.Version')).toBe('v3');
    expect(versionStampIn('-s -w', 'main.version')).toBeUndefined();
  });

  it('splits flags on blanks, keeping quoted fields whole', () => {
    expect(splitFlags(`  -s\t-w -X "main.note=a b" -X 'x.y=c d'  `)).toEqual(['-s', '-w', '-X', 'main.note=a b', '-X', 'x.y=c d']);
  });
});
