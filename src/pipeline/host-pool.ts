import type { HostConfig } from '../config/types.ts';
import type { Remote } from '../hosts/remote.ts';
import { HostTurns, type DraftRank } from './host-turns.ts';

export type Connect = (host: HostConfig) => Promise<Remote>;

export type HostRun<T> =
  | { kind: 'ran'; host: HostConfig; value: T }
  | { kind: 'unreachable'; reasons: string[] };

/** The turns a run takes on the hosts, and the rank of its draft among everyone waiting. */
export interface HostShare {
  turns: HostTurns;
  rank: DraftRank;
}

/**
 * The test hosts of one run: one connection per host for the whole run, and the first reachable
 * host of a platform is the one used. At most one platform run at a time on each host: the
 * turns are this run's own, or shared by every draft a watch tests (oldest draft first).
 */
export class HostPool {
  private readonly share: HostShare;
  private readonly connections = new Map<string, Remote>();
  /** Connections being opened; a failed one stays until a caller takes its error. */
  private readonly opening = new Map<string, Promise<Remote>>();

  constructor(
    private readonly hosts: readonly HostConfig[],
    private readonly connect: Connect,
    options: { share?: HostShare } = {},
  ) {
    this.share = options.share ?? { turns: new HostTurns(), rank: { createdAt: '', tieBreak: '' } };
  }

  hostsFor(platform: string): HostConfig[] {
    return this.hosts.filter((h) => h.platform === platform);
  }

  /** Runs `work` on the first host of `platform` that connects. */
  async run<T>(platform: string, work: (remote: Remote) => Promise<T>): Promise<HostRun<T>> {
    const reasons: string[] = [];
    for (const host of this.hostsFor(platform)) {
      const free = await this.share.turns.take(host.name, this.share.rank);
      try {
        let remote: Remote;
        try {
          remote = await this.connection(host);
        } catch (error) {
          reasons.push(error instanceof Error ? error.message : String(error));
          continue;
        }
        return { kind: 'ran', host, value: await work(remote) };
      } finally {
        free();
      }
    }
    if (reasons.length === 0) reasons.push(`no host in the config serves ${platform}`);
    return { kind: 'unreachable', reasons };
  }

  /** The run's connection to `host`, opened again when it was lost (cleanup after a drop needs it). */
  async connection(host: HostConfig): Promise<Remote> {
    const open = this.connections.get(host.name);
    if (open?.connected) return open;
    let remote = await this.take(host);
    // A prepared connection waits out its platform's download, and may drop meanwhile: dial again.
    if (!remote.connected) remote = await this.take(host);
    this.connections.set(host.name, remote);
    return remote;
  }

  /** The connection being opened to `host` (a prepared one first), or a new one. */
  private async take(host: HostConfig): Promise<Remote> {
    const opening = this.opening.get(host.name) ?? this.startOpening(host);
    try {
      return await opening;
    } finally {
      if (this.opening.get(host.name) === opening) this.opening.delete(host.name);
    }
  }

  /**
   * Starts connecting to the host `run` tries first for `platform`, so the SSH handshake overlaps
   * local work (the download and inspection, before any host sees the archive). `run` takes the
   * connection, or its error, as if it had opened it itself: a host is never dialled twice.
   */
  prepare(platform: string): void {
    const host = this.hostsFor(platform)[0];
    if (!host || this.connections.get(host.name)?.connected || this.opening.has(host.name)) return;
    this.startOpening(host);
  }

  async closeAll(): Promise<void> {
    // Prepared connections no platform took (its archive failed inspection) are closed too.
    const pending = await Promise.allSettled([...this.opening.values()]);
    this.opening.clear();
    const open = [...this.connections.values(), ...pending.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []))];
    this.connections.clear();
    await Promise.allSettled([...new Set(open)].map((r) => r.close()));
  }

  private startOpening(host: HostConfig): Promise<Remote> {
    const opening = this.connect(host);
    // Whoever takes it handles the error; until then it must not count as unhandled.
    opening.catch(() => undefined);
    this.opening.set(host.name, opening);
    return opening;
  }
}
