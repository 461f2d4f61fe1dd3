import type { SshHostConfig } from '../../src/config/types.ts';
import type { ExecOptions, ExecResult, Remote } from '../../src/hosts/remote.ts';
import { hostConfigFor } from '../support/test-host-config.ts';

/**
 * A Remote for testing a stage's decisions only (never the SSH path): each command is answered
 * by the first rule whose pattern it contains, and every command is recorded.
 */
export function fakeRemote(rules: [RegExp, (nth: number) => Partial<ExecResult>][], host: Partial<SshHostConfig> = {}): Remote & { commands: string[] } {
  const commands: string[] = [];
  const seen = new Map<RegExp, number>();
  return {
    host: hostConfigFor({ host: '127.0.0.1', port: 1, user: 'root', clientKeyPath: '/nonexistent', hostKeyLine: 'x' }, host),
    commands,
    connected: true,
    async exec(command: string, _options: ExecOptions): Promise<ExecResult> {
      commands.push(command);
      const rule = rules.find(([re]) => re.test(command));
      const nth = rule ? (seen.get(rule[0]) ?? 0) : 0;
      if (rule) seen.set(rule[0], nth + 1);
      return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, truncated: false, ...(rule ? rule[1](nth) : {}) };
    },
    async upload() {},
    async writeFile(path: string) {
      commands.push(`writeFile ${path}`);
    },
    async close() {},
  };
}
