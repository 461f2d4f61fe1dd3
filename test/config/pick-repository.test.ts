import { describe, expect, it } from 'vitest';
import { pickRepository } from '../../src/config/pick-repository.ts';
import { DEFAULT_RELEASE } from '../../src/config/defaults.ts';
import type { RepositoryConfig } from '../../src/config/types.ts';

const entry = (repo: string): RepositoryConfig => ({ repo, release: { ...DEFAULT_RELEASE }, statusContext: 'smoke-test', platforms: ['linux/amd64'], source: { file: 'hosts.yaml', line: 1, col: 1 } });
const two = [entry('ephpm/ephemerd'), entry('ephpm/agent')];

describe('pickRepository: the entry of repositories: a one-repository command works on', () => {
  it('takes the one --repo names, before GH_REPO, whatever its case', () => {
    expect(pickRepository(two, { cli: 'EPHPM/Agent', ghRepo: 'ephpm/ephemerd' }, 'hosts.yaml').repo).toBe('ephpm/agent');
    expect(pickRepository(two, { ghRepo: 'ephpm/agent' }, 'hosts.yaml').repo).toBe('ephpm/agent');
  });

  it('refuses a named repository that is not listed, naming the choices', () => {
    expect(() => pickRepository(two, { cli: 'ephpm/nope' }, 'hosts.yaml')).toThrow(
      'repository ephpm/nope (from --repo) is not under repositories: in hosts.yaml; its repositories are ephpm/ephemerd, ephpm/agent',
    );
  });

  it('takes the only entry, else the workflow\'s own repository (GITHUB_REPOSITORY), else asks', () => {
    expect(pickRepository([entry('ephpm/agent')], { githubRepository: 'someone/else' }, 'hosts.yaml').repo).toBe('ephpm/agent');
    expect(pickRepository(two, { githubRepository: 'ephpm/agent' }, 'hosts.yaml').repo).toBe('ephpm/agent');
    expect(() => pickRepository(two, { githubRepository: 'someone/else' }, 'hosts.yaml')).toThrow(
      'hosts.yaml lists several repositories (ephpm/ephemerd, ephpm/agent): name one with --repo or GH_REPO',
    );
  });
});
