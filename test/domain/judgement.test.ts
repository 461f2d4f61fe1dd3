import { describe, expect, it } from 'vitest';
import { judgementResult } from '../../src/domain/judgement.ts';

describe('judgementResult', () => {
  it('makes the first line the detail and the rest the excerpt', () => {
    expect(judgementResult('build', { status: 'fail', detail: ['stamped dev', 'no vcs lines'], facts: { go: 'go1.26.1' } }, 12.6)).toEqual({
      name: 'build',
      status: 'fail',
      detail: 'stamped dev',
      durationMs: 13,
      excerpt: 'no vcs lines',
    });
    expect(judgementResult('signature', { status: 'pass', detail: ['ad hoc'], facts: {} }, 0)).toEqual({
      name: 'signature',
      status: 'pass',
      detail: 'ad hoc',
      durationMs: 0,
    });
  });
});
