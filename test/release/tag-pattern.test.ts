import { describe, expect, it } from 'vitest';
import { DEFAULT_TAG_PATTERN, isReleaseTag } from '../../src/release/tag-pattern.ts';

describe('isReleaseTag', () => {
  it.each(['v1.2.3', 'v0.0.1', 'v10.20.30-rc.1', 'v1.2.3-beta2'])('accepts %s', (tag) => {
    expect(isReleaseTag(tag, DEFAULT_TAG_PATTERN)).toBe(true);
  });

  it.each(['deps-linux-virt-6.12.83-r0', '1.2.3', 'v1.2', 'v1.2.3-', 'v1.2.3-rc_1', 'v1.2.3 ', 'xv1.2.3'])(
    'rejects %s',
    (tag) => {
      expect(isReleaseTag(tag, DEFAULT_TAG_PATTERN)).toBe(false);
    },
  );

  it('uses the pattern the config supplies', () => {
    expect(isReleaseTag('release-7', '^release-[0-9]+$')).toBe(true);
    expect(isReleaseTag('v1.2.3', '^release-[0-9]+$')).toBe(false);
  });
});
