import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStandInBinary } from '../../../src/sandbox/stand-in/binary.ts';
import type { StandInBehaviour } from '../../../src/sandbox/stand-in/behaviour.ts';
import { standInLauncher } from '../../../src/sandbox/stand-in/launcher.ts';
import type { PlatformId } from '../../../src/domain/platform.ts';

/** A stand-in run in its own process group, with its stderr lines watched as they come. */
export interface StandInRun {
  child: ChildProcess;
  /** The run's process group id (= its pid: it was started detached). */
  pgid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stderr line matching `pattern`; rejects if the process exits first. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A temp folder with a stand-in binary and a data dir; `dispose` kills every group started. */
export class StandInLab {
  private readonly groups: number[] = [];
  private constructor(readonly dir: string) {}

  static async create(): Promise<StandInLab> {
    return new StandInLab(await mkdtemp(join(tmpdir(), 'stand-in-')));
  }

  async binary(behaviour: StandInBehaviour, platform: PlatformId = 'linux/amd64'): Promise<string> {
    const path = join(this.dir, `ephemerd-${behaviour.variant}-${platform.replace('/', '-')}`);
    await writeStandInBinary(path, { platform, behaviour });
    return path;
  }

  /** A data dir whose config.toml has a dummy owner and token and the given health port. */
  async dataDir(name: string, port: number, extra = ''): Promise<string> {
    const dir = join(this.dir, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.toml'), `${extra}[github]\nowner = "acme"\ntoken = "dummy-token"\n\n[webhook]\nport = ${port}\n`);
    return dir;
  }

  run(binary: string, args: string[], env: NodeJS.ProcessEnv = {}): StandInRun {
    const [node, script] = standInLauncher();
    const child = spawn(node!, [script!, binary, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.groups.push(child.pid!);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr!.setEncoding('utf8');
    const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
    let partial = '';
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
    const line = (pattern: RegExp): Promise<string> => {
      const seen = err.split('\n').find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then((how) => reject(new Error(`exited (${how.code ?? how.signal}) before a line matching ${pattern}; stderr:\n${err.slice(-2000)}`)));
      });
    };
    return { child, pgid: child.pid!, stdout: () => out, stderr: () => err, line, exited };
  }

  /** Kills every process group this lab started, then removes the folder. */
  async dispose(): Promise<void> {
    for (const pgid of this.groups) killGroup(pgid, 'SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Live (not zombie) pids in a process group, from /proc (Linux). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // ended while we looked
    }
    // After the parenthesised command name: state, ppid, pgrp.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(name));
  }
  return members;
}

/** Waits (bounded) until a group has no live member: processes outside our tree send no exit event. */
export async function groupGone(pgid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
