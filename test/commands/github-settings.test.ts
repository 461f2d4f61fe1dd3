import { describe, expect, it } from 'vitest';
import { githubSettings, type SettingsSources } from '../../src/commands/github-settings.ts';
import { ConfigError } from '../../src/domain/errors.ts';

const noGh: SettingsSources['ghAuthToken'] = async () => undefined;

function sources(over: Partial<SettingsSources> = {}): SettingsSources {
  return { repoFromCli: undefined, repoFromConfig: undefined, ghAuthToken: noGh, ...over };
}

describe('GitHub settings by gh\'s conventions', () => {
  it('takes GH_TOKEN before GITHUB_TOKEN, and the enterprise tokens first on another host', async () => {
    const base = { GITHUB_REPOSITORY: 'o/r' };
    expect((await githubSettings({ ...base, GH_TOKEN: 'gh', GITHUB_TOKEN: 'gt' }, sources())).token).toBe('gh');
    expect((await githubSettings({ ...base, GITHUB_TOKEN: 'gt' }, sources())).token).toBe('gt');
    const ghe = { ...base, GH_HOST: 'ghe.example.com', GH_TOKEN: 'gh', GH_ENTERPRISE_TOKEN: 'ent' };
    expect((await githubSettings(ghe, sources())).token).toBe('ent');
    // github.com ignores the enterprise variables, as gh does.
    expect((await githubSettings({ ...base, GH_TOKEN: 'gh', GH_ENTERPRISE_TOKEN: 'ent' }, sources())).token).toBe('gh');
  });

  it('asks gh for a token only when no variable holds one, for the host in use', async () => {
    const asked: string[] = [];
    const gh = async (host: string) => {
      asked.push(host);
      return 'from-gh';
    };
    const s = await githubSettings({ GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, sources({ ghAuthToken: gh }));
    expect(s).toMatchObject({ token: 'from-gh', apiUrl: 'https://ghe.example.com/api/v3' });
    expect(asked).toEqual(['ghe.example.com']);
    await githubSettings({ GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 't' }, sources({ ghAuthToken: gh }));
    expect(asked).toEqual(['ghe.example.com']);
    await expect(githubSettings({ GITHUB_REPOSITORY: 'o/r' }, sources())).rejects.toThrow(/no GitHub token: set GH_TOKEN or GITHUB_TOKEN.*gh auth login/);
  });

  it('finds the API from GITHUB_API_URL, else GH_HOST, else github.com; says when GH_HOST loses', async () => {
    const env = { GITHUB_REPOSITORY: 'o/r', GH_TOKEN: 't' };
    expect((await githubSettings(env, sources())).apiUrl).toBe('https://api.github.com');
    expect((await githubSettings({ ...env, GH_HOST: 'github.com' }, sources())).apiUrl).toBe('https://api.github.com');
    expect((await githubSettings({ ...env, GH_HOST: 'ghe.example.com' }, sources())).apiUrl).toBe('https://ghe.example.com/api/v3');
    expect((await githubSettings({ ...env, GH_HOST: 'acme.ghe.com' }, sources())).apiUrl).toBe('https://api.acme.ghe.com');
    const both = await githubSettings({ ...env, GH_HOST: 'ghe.example.com', GITHUB_API_URL: 'https://api.github.com' }, sources());
    expect(both.apiUrl).toBe('https://api.github.com');
    expect(both.notes).toEqual(['GitHub at https://api.github.com from GITHUB_API_URL, not ghe.example.com from GH_HOST']);
  });

  it('refuses a malformed API URL or host at once, naming the value', async () => {
    const env = { GITHUB_REPOSITORY: 'o/r', GH_TOKEN: 't' };
    for (const [key, value, message] of [
      ['GITHUB_API_URL', 'not-a-url', 'GITHUB_API_URL "not-a-url" is not a URL'],
      ['GITHUB_API_URL', 'ftp://ghe.example.com', 'GITHUB_API_URL "ftp://ghe.example.com" is not an http(s) URL'],
      ['GITHUB_API_URL', 'https://user:pw@ghe.example.com', 'must not carry a user name or password'],
      ['GH_HOST', 'https://ghe.example.com', 'GH_HOST "https://ghe.example.com" is not a host name'],
    ] as const) {
      const attempt = githubSettings({ ...env, [key]: value }, sources());
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
      await expect(attempt).rejects.toThrow(message);
    }
  });

  it('takes the repository from --repo, GH_REPO, the config, then GITHUB_REPOSITORY, and names what it overruled', async () => {
    const env = { GH_TOKEN: 't', GITHUB_REPOSITORY: 'runner/repo' };
    const fromConfig = await githubSettings(env, sources({ repoFromConfig: 'ephpm/ephemerd' }));
    expect(fromConfig.repo).toBe('ephpm/ephemerd');
    expect(fromConfig.notes).toEqual(["repository ephpm/ephemerd from the config's repo:, not runner/repo from GITHUB_REPOSITORY"]);
    const fromGhRepo = await githubSettings({ ...env, GH_REPO: 'github.com/a/b' }, sources({ repoFromConfig: 'ephpm/ephemerd' }));
    expect(fromGhRepo.repo).toBe('a/b');
    expect(fromGhRepo.notes).toHaveLength(2);
    const fromCli = await githubSettings({ ...env, GH_REPO: 'a/b' }, sources({ repoFromCli: 'c/d' }));
    expect(fromCli.repo).toBe('c/d');
    // Agreeing sources say nothing.
    expect((await githubSettings(env, sources({ repoFromConfig: 'Runner/Repo' }))).notes).toEqual([]);
    expect((await githubSettings(env, sources())).repo).toBe('runner/repo');
    await expect(githubSettings({ GH_TOKEN: 't', GH_REPO: 'nonsense' }, sources())).rejects.toThrow('repository "nonsense" (from GH_REPO) is not of the form owner/name');
    await expect(githubSettings({ GH_TOKEN: 't' }, sources())).rejects.toThrow(/no repository: pass --repo/);
  });
});
