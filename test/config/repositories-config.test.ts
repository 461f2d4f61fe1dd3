import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { forRepository } from '../../src/config/pick-repository.ts';
import { configError, goodHost, lines, makeConfigDir, type ConfigDir } from './config-fixture.ts';

let tmp: ConfigDir;
beforeEach(async () => {
  tmp = await makeConfigDir();
});
afterEach(async () => {
  await tmp.remove();
});

const env = () => ({ HOME: join(tmp.dir, 'home') });

async function messageLines(...rows: string[]): Promise<string[]> {
  const file = await tmp.write(lines(...rows));
  const error = await configError(loadConfig(file, env()));
  return error.message.split('\n').map((line) => line.replace(file, 'hosts.yaml'));
}

describe('repositories: in hosts.yaml', () => {
  it('gives each repository the top-level rules, overridden key by key by its own', async () => {
    const file = await tmp.write(lines(
      'release:',
      '  binaryName: ephemerd',
      '  cgoEnabled: { linux: false, windows: any }',
      'status: { context: smoke/team }',
      'repositories:',
      '  - repo: ephpm/ephemerd',
      '  - repo: ephpm/ephemerd-agent',
      '    release:',
      '      assetPattern: "agent_{tag}_{os}_{arch}.{ext}"',
      '      binaryName: ephemerd-agent',
      '      cgoEnabled: { linux: true }',
      '    status: { context: smoke/agent }',
      'hosts:',
      ...goodHost(),
    ));
    const config = await loadConfig(file, env());
    expect(config.repo).toBeUndefined();
    const [main, agent] = config.repositories;
    expect(main).toMatchObject({ repo: 'ephpm/ephemerd', statusContext: 'smoke/team', source: { file, line: 6 } });
    expect(main!.release).toEqual(config.release);
    expect(agent).toMatchObject({ repo: 'ephpm/ephemerd-agent', statusContext: 'smoke/agent', source: { line: 7 } });
    expect(agent!.release).toEqual({
      ...config.release,
      assetPattern: 'agent_{tag}_{os}_{arch}.{ext}',
      binaryName: 'ephemerd-agent',
      // OS by OS over the top level's map, not in place of it.
      cgoEnabled: { linux: true, windows: 'any' },
    });
  });

  it('a file without repositories: has none (repo: keeps meaning the one repository)', async () => {
    const file = await tmp.write(lines('repo: ephpm/ephemerd', 'hosts:', ...goodHost()));
    const config = await loadConfig(file, env());
    expect(config.repositories).toEqual([]);
    expect(config.repo).toBe('ephpm/ephemerd');
  });

  it('refuses repo: beside repositories:, naming both lines', async () => {
    expect(await messageLines('repo: ephpm/ephemerd', 'repositories:', '  - repo: ephpm/other', 'hosts:', ...goodHost())).toEqual([
      'hosts.yaml:1:1 (repo): set either repo: (one repository) or repositories: (line 2, several), not both; list ephpm/ephemerd under repositories: instead',
    ]);
  });

  it('names a wrong entry by line and key: bad name, unknown key, bad rule, missing repo, a repository twice', async () => {
    expect(await messageLines(
      'repositories:',
      '  - repo: ephemerd',
      '  - repo: ephpm/agent',
      '    relase: {}',
      '  - repo: ephpm/tools',
      '    release: { assetPattern: "tools.zip" }',
      '  - release: { binaryName: x }',
      '  - repo: ephpm/Agent',
      'hosts:',
      ...goodHost(),
    )).toEqual([
      'hosts.yaml:2:11 (repositories[0].repo): expected owner/name, e.g. ephpm/ephemerd, got "ephemerd"',
      'hosts.yaml:4:5 (repositories[1].relase): unknown key "relase"; did you mean "release"?',
      'hosts.yaml:6:30 (repositories[2].release.assetPattern): expected a pattern with {os} and {arch} (and usually {tag} and {ext}), got "tools.zip"',
      'hosts.yaml:7:5 (repositories[3].repo): missing required key "repo"',
    ]);
    expect(await messageLines('repositories:', '  - repo: ephpm/agent', '  - repo: ephpm/Agent', 'hosts:', ...goodHost())).toEqual([
      'hosts.yaml:3:11 (repositories[1].repo): repository ephpm/Agent is listed twice (lines 2 and 3); give each repository one entry',
    ]);
  });

  it('wants a list with at least one repository', async () => {
    expect(await messageLines('repositories: ephpm/ephemerd', 'hosts:', ...goodHost())).toEqual([
      'hosts.yaml:1:15 (repositories): expected a list of repositories, each with repo: owner/name, got "ephpm/ephemerd"',
    ]);
    expect(await messageLines('repositories: []', 'hosts:', ...goodHost())).toEqual([
      'hosts.yaml:1:15 (repositories): expected at least one repository, or leave repositories: out, got an empty list',
    ]);
  });

  it('a repository may build fewer of the platforms; the config it sees expects only those, and names a platform not listed', async () => {
    const file = await tmp.write(lines(
      'platforms:',
      '  linux/amd64:',
      '  linux/arm64:',
      'repositories:',
      '  - repo: ephpm/ephemerd',
      '  - repo: ephpm/agent',
      '    platforms: [linux/arm64]',
      'hosts:',
      ...goodHost(),
    ));
    const config = await loadConfig(file, env());
    expect(config.repositories.map((r) => r.platforms)).toEqual([['linux/amd64', 'linux/arm64'], ['linux/arm64']]);
    const agent = forRepository(config, config.repositories[1]!);
    expect([...agent.platforms.keys()]).toEqual(['linux/arm64']);
    expect(agent.hosts).toEqual(config.hosts);
    expect(await messageLines('repositories:', '  - repo: ephpm/agent', '    platforms: [linux/amd64, windows/arm64]', 'hosts:', ...goodHost())).toEqual([
      'hosts.yaml:3:30 (repositories[0].platforms[1]): repository ephpm/agent: platform windows/arm64 is not under platforms: (expected one of linux/amd64, linux/arm64, windows/amd64, darwin/arm64)',
    ]);
  });
});
