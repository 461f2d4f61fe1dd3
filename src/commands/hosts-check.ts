import { resolve } from 'node:path';
import pLimit from 'p-limit';
import { formatSize } from '../domain/format-size.ts';
import { loadConfig } from '../config/load.ts';
import type { HostConfig } from '../config/types.ts';
import { EXIT, HostError } from '../domain/errors.ts';
import { connectHost } from '../hosts/connect-host.ts';
import type { Remote } from '../hosts/remote.ts';
import { plainTable } from '../report/plain-table.ts';
import { shellFor } from '../shells/shell-for.ts';
import { surveyHost, unreachableHost, type HostSurvey } from '../hosts-command/survey-host.ts';
import type { EventSink } from '../domain/events.ts';
import type { CliIo } from './io.ts';
import { warningsTo } from './warnings-to.ts';

export interface HostsCheckOptions {
  config: string;
}

/** Hosts asked at once: each is a few round trips, so a handful in flight keeps it quick. */
const PARALLEL_HOSTS = 4;

/**
 * `smoke hosts check`: connects to every host (checking its key), asks what it is, and prints
 * one row per host. Exit 0 when every host is usable, 1 otherwise; a config error propagates.
 */
export async function hostsCheckCommand(options: HostsCheckOptions, io: CliIo): Promise<number> {
  const config = await loadConfig(resolve(options.config), io.env);
  const limit = pLimit(PARALLEL_HOSTS);
  const warn = warningsTo(io);
  const checks = await Promise.all(config.hosts.map((host) => limit(() => checkOneHost(host, warn))));
  io.stdout.write(plainTable(HEADER, checks.map(toCells)));
  const unusable = checks.filter((c) => !c.usable).length;
  io.stdout.write(
    unusable === 0
      ? `all ${checks.length} host(s) usable\n`
      : `${unusable} of ${checks.length} host(s) unusable\n`,
  );
  return unusable === 0 ? EXIT.pass : EXIT.fail;
}

async function checkOneHost(host: HostConfig, onEvent: EventSink): Promise<HostSurvey> {
  let remote: Remote;
  try {
    remote = await connectHost(host, { onEvent });
  } catch (error) {
    if (error instanceof HostError) return unreachableHost(host, error);
    throw error;
  }
  try {
    return await surveyHost(remote, shellFor(host));
  } catch (error) {
    if (error instanceof HostError) return unreachableHost(host, error, { insecureHostKey: remote.insecureHostKey ?? false });
    throw error;
  } finally {
    await remote.close();
  }
}

const HEADER = ['HOST', 'PLATFORM', 'REPORTS', 'FREE DISK', 'SUDO', 'HOST KEY', 'STATUS'];

function toCells(check: HostSurvey): string[] {
  const status = check.usable
    ? ['ok', ...check.notes].join(', ')
    : `unusable: ${check.problems.join('; ')}`;
  return [
    check.host,
    check.platform,
    check.reported ?? '-',
    check.freeBytes === undefined ? '-' : formatSize(check.freeBytes),
    check.sudo,
    check.hostKey,
    status,
  ];
}
