import type { HostConfig } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import type { Remote } from '../hosts/remote.ts';
import { firstLine, runChecked, runOnHost } from '../hosts/run-on-host.ts';
import type { Shell } from '../shells/shell.ts';
import { parseHostFacts, type HostFacts } from '../shells/host-facts.ts';

/** `sudo -n true` on the host, when the host config asks for sudo. */
export type SudoAnswer = { works: true } | { works: false; why: string };

/** One row of `smoke hosts check`: plain data, rendered by the command. */
export interface HostSurvey {
  host: string;
  platform: string;
  /** `os/arch` as the host reports it; undefined when it could not be asked. */
  reported?: string;
  freeBytes?: number;
  sudo: 'works' | 'fails' | 'not asked' | 'unknown';
  hostKey: 'verified' | 'INSECURE' | 'unknown';
  usable: boolean;
  /** Why the host cannot be used; empty when usable. */
  problems: string[];
  /** What a person should know about a usable host (e.g. emulation). */
  notes: string[];
}

/** Asks a connected host what it is and whether a run could work there. */
export async function surveyHost(remote: Remote, shell: Shell): Promise<HostSurvey> {
  const host = remote.host;
  const program = host.launcher[0];
  const factsCommand = shell.hostFacts({
    ...(host.workdir === undefined ? {} : { workdir: host.workdir }),
    ...(program === undefined ? {} : { program }),
  });
  const facts = parseHostFacts(await runChecked(remote, factsCommand, 'describe the host', host.timeouts.commandMs));
  let sudo: SudoAnswer | undefined;
  if (host.sudo) {
    const res = await runOnHost(remote, shell.sudoWorks(), 'try sudo -n', { timeoutMs: host.timeouts.commandMs, maxOutputBytes: 16 * 1024 });
    sudo = res.exitCode === 0 ? { works: true } : { works: false, why: firstLine(res.stderr) || firstLine(res.stdout) || `exit code ${String(res.exitCode)}` };
  }
  return judgeHost(host, facts, { sudo, insecureHostKey: remote.insecureHostKey ?? false });
}

/** Decides from what the host said whether it can run its platform's probes. */
export function judgeHost(
  host: HostConfig,
  facts: HostFacts,
  context: { sudo: SudoAnswer | undefined; insecureHostKey: boolean },
): HostSurvey {
  const problems: string[] = [];
  const notes: string[] = [];
  const reported = `${facts.os}/${facts.arch}`;
  const launcher = host.launcher[0];
  if (launcher !== undefined) {
    // A launcher (an emulator, the sandbox's stand-in) runs the binary, so the host's own platform may differ.
    notes.push(`emulated via ${launcher}`);
    if (facts.program === false) problems.push(`launcher ${launcher} is not on the host's PATH`);
  } else if (reported !== host.platform) {
    problems.push(`reports ${reported}`);
  }
  const workdir = host.workdir ?? 'the temp dir';
  if (facts.workdir === 'missing') problems.push(`workdir ${workdir} does not exist`);
  if (facts.workdir === 'read-only') problems.push(`workdir ${workdir} is not writable by ${host.user}`);
  if (context.sudo && !context.sudo.works) problems.push(`sudo -n fails: ${context.sudo.why}`);
  return {
    host: host.name,
    platform: host.platform,
    reported,
    ...(facts.freeBytes === undefined ? {} : { freeBytes: facts.freeBytes }),
    sudo: context.sudo === undefined ? 'not asked' : context.sudo.works ? 'works' : 'fails',
    hostKey: context.insecureHostKey ? 'INSECURE' : 'verified',
    usable: problems.length === 0,
    problems,
    notes,
  };
}

/**
 * The row of a host that could not be reached or asked: the error names the cause. `connected`
 * is set when the connection (and so the host-key check) succeeded before the error.
 */
export function unreachableHost(host: HostConfig, error: HostError, connected?: { insecureHostKey: boolean }): HostSurvey {
  const insecure = connected ? connected.insecureHostKey : host.hostKey.kind === 'insecure';
  return {
    host: host.name,
    platform: host.platform,
    sudo: host.sudo ? 'unknown' : 'not asked',
    hostKey: insecure ? 'INSECURE' : connected ? 'verified' : 'unknown',
    usable: false,
    problems: [withoutHostPrefix(error.message, host.name)],
    notes: [],
  };
}

/** HostError messages start `host NAME: `; in a row that already names the host it is noise. */
export function withoutHostPrefix(message: string, name: string): string {
  const prefix = `host ${name}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
