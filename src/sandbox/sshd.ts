import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, parsePublicKeyLine } from '../domain/public-key.ts';
import { processTree, signalTree } from './process-tree.ts';
import { ensureTestUser } from './local-user.ts';

export { ensureTestUser } from './local-user.ts';

export interface SshdOptions {
  /** The login user; the sshd runs as this user (via setpriv) unless it is root. Default root. */
  user?: string;
  /** More `authorized_keys` lines, besides the generated client key. */
  authorizedKeys?: string[];
  /** More sshd_config lines, e.g. `LogLevel DEBUG3`. */
  extraConfig?: string[];
  /**
   * A network namespace (`ip netns add NAME`) to run in, and the address to listen on there
   * (default 127.0.0.1: that namespace's own loopback, which nothing outside it reaches).
   */
  network?: { netns: string; listenAddress?: string };
  /**
   * Run in this machine's PID namespace, as a real host's sshd does: a process that leaves its
   * process group is then not ended with the sshd, and the test must find and end it itself.
   * Default false: a namespace of its own, whose end takes every process a test started with it.
   */
  sharePidNamespace?: boolean;
}

export interface SshdHandle {
  /** Where it listens: 127.0.0.1 unless started in a network namespace with another address. */
  host: string;
  port: number;
  /** `ssh-ed25519 AAAA...` */
  hostKeyLine: string;
  /** `SHA256:...` */
  hostKeyFingerprint: string;
  /** An ed25519 private key (no passphrase) authorized for `user`. */
  clientKeyPath: string;
  user: string;
  dir: string;
  /** The listening sshd, as this machine's PID namespace sees it. */
  pid: number;
  knownHostsLine(hashed?: boolean): string;
  /** What sshd printed so far (it runs with -e), for failing tests to show. */
  log(): string;
  /** Signals the listener and every per-connection sshd under it (default SIGKILL). */
  kill(signal?: NodeJS.Signals): void;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';
/**
 * bash runs ~/.bashrc for every command sshd starts. This machine's root .bashrc runs
 * `pyenv init`, whose rehash holds a lock file: a test that kills a host mid-command (the fault
 * tests) left that lock behind, and every later SSH command on the machine then waited 60 s for
 * it. Inside the host's own mount namespace root's .bashrc reads as empty.
 */
const HIDE_BASHRC = '{ [ ! -f /root/.bashrc ] || mount --bind /dev/null /root/.bashrc; }';

/**
 * Starts a real OpenSSH sshd on 127.0.0.1 for a test, in its own mount namespace (a private
 * /run/sshd) and PID namespace (stopping it ends every process a test started through it).
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdHandle> {
  const user = options.user ?? 'root';
  const dir = mkdtempSync(join(tmpdir(), 'smoke-sshd-'));
  try {
    keygen(join(dir, 'host_ed25519'));
    keygen(join(dir, 'client_ed25519'));
    const clientPub = readFileSync(join(dir, 'client_ed25519.pub'), 'utf8').trim();
    writeFileSync(join(dir, 'authorized_keys'), [clientPub, ...(options.authorizedKeys ?? [])].join('\n') + '\n');
    const account = user === 'root' ? undefined : ensureTestUser(user);
    if (account) {
      // The unprivileged sshd must read its host key and write its pid file.
      for (const f of ['', 'host_ed25519', 'host_ed25519.pub', 'authorized_keys']) {
        chownSync(join(dir, f), account.uid, account.gid);
      }
    }
    const hostPub = parsePublicKeyLine(readFileSync(join(dir, 'host_ed25519.pub'), 'utf8'));
    if (!hostPub) throw new Error('ssh-keygen wrote an unreadable host key');

    // Port 0 then reuse: another test file may grab the port in between, so retry on EADDRINUSE.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const sharePid = options.sharePidNamespace ?? false;
      const started = await launch(dir, port, options.extraConfig ?? [], account, options.network, sharePid);
      if (started.ok) return handle(dir, listenAddress(options), port, user, hostPub, started.child, started.log, sharePid);
      if (!started.addressInUse || attempt >= 5) {
        throw new Error(`sshd did not start on port ${port}:\n${started.log()}`);
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function listenAddress(options: SshdOptions): string {
  return options.network?.listenAddress ?? '127.0.0.1';
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

type Launch =
  | { ok: true; child: ChildProcess; log: () => string }
  | { ok: false; addressInUse: boolean; log: () => string };

async function launch(
  dir: string,
  port: number,
  extraConfig: string[],
  account: { uid: number; gid: number } | undefined,
  network: SshdOptions['network'],
  sharePid: boolean,
): Promise<Launch> {
  const address = network?.listenAddress ?? '127.0.0.1';
  const config = join(dir, `sshd_config.${port}`);
  writeFileSync(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'MaxStartups 100',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const sshd = account
    ? // Changing uid clears the parent-death signal --kill-child set: set it again after.
      `exec setpriv --reuid=${account.uid} --regid=${account.gid} --init-groups --pdeathsig KILL ${SSHD} -D -e -f ${config}`
    : `exec ${SSHD} -D -e -f ${config}`;
  // --pdeathsig: if the test process dies, unshare dies, and --kill-child takes the namespace down.
  // Sharing the PID namespace, unshare, sh and sshd are one process (each execs the next).
  const pidNamespace = sharePid ? [] : ['--pid', '--fork', '--kill-child', '--mount-proc'];
  const child = spawn(
    'setpriv',
    [
      '--pdeathsig', 'KILL',
      ...(network ? ['nsenter', `--net=/run/netns/${network.netns}`] : []),
      'unshare', '--mount', '--propagation', 'private', ...pidNamespace,
      'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -m 755 /run/sshd && ${HIDE_BASHRC} && ${sshd}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  let listening = false;
  const readLog = () => log;
  return new Promise<Launch>((resolve) => {
    const onExit = () => resolve({ ok: false, addressInUse: /Address already in use/.test(log), log: readLog });
    child.once('exit', onExit);
    child.once('error', (err) => {
      log += `\n${err.message}`;
      onExit();
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      // Keep the end: a long test at LogLevel DEBUG3 would otherwise grow this without bound.
      log = (log + chunk).slice(-256 * 1024);
      // Once only: every later log line (the banner check's own "Connection closed" among them)
      // would start another check, a connection loop that kept two cores busy.
      if (!listening && log.includes(`Server listening on ${address} port ${port}`)) {
        listening = true;
        child.off('exit', onExit);
        // The listening line comes after bind(); the banner proves it answers SSH.
        readBanner(address, port, network?.netns).then(
          () => resolve({ ok: true, child, log: readLog }),
          (err: Error) => {
            child.kill('SIGKILL');
            resolve({ ok: false, addressInUse: false, log: () => `${log}\nbanner: ${err.message}` });
          },
        );
      }
    });
  });
}

function readBanner(address: string, port: number, netns: string | undefined): Promise<void> {
  if (netns !== undefined) return readBannerIn(netns, address, port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, address);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no banner within 10s')));
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      if (data.toString('latin1').startsWith('SSH-2.0-')) resolve();
      else reject(new Error(`unexpected banner ${JSON.stringify(data.toString('latin1').slice(0, 40))}`));
    });
  });
}

/** The banner from inside a network namespace, where this process cannot connect. */
function readBannerIn(netns: string, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const reader = spawn(
      'nsenter',
      [`--net=/run/netns/${netns}`, 'timeout', '10', 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port} && head -c 8 <&3`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    reader.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
    reader.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
    reader.once('error', reject);
    reader.once('close', () => {
      if (out.startsWith('SSH-2.0-')) resolve();
      else reject(new Error(`unexpected banner in netns ${netns}: ${JSON.stringify(out.slice(0, 80))}`));
    });
  });
}

function handle(
  dir: string,
  host: string,
  port: number,
  user: string,
  hostKey: { type: string; blob: Buffer },
  child: ChildProcess,
  log: () => string,
  sharePid: boolean,
): SshdHandle {
  const hostKeyLine = `${hostKey.type} ${hostKey.blob.toString('base64')}`;
  // The child is setpriv-turned-unshare; the sshd listener is its one child (PID 1 inside), or,
  // sharing the machine's namespace, the child itself.
  const listener = sharePid ? child.pid! : (processTree(child.pid!)[1] ?? child.pid!);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    host,
    port,
    hostKeyLine,
    hostKeyFingerprint: fingerprint(hostKey.blob),
    clientKeyPath: join(dir, 'client_ed25519'),
    user,
    dir,
    pid: listener,
    log,
    knownHostsLine(hashed = false) {
      const name = `[${host}]:${port}`;
      if (!hashed) return `${name} ${hostKeyLine}`;
      const salt = randomBytes(20);
      const hash = createHmac('sha1', salt).update(name).digest();
      return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${hostKeyLine}`;
    },
    kill(signal = 'SIGKILL') {
      signalTree(listener, signal);
    },
    async stop() {
      // Killing the namespace's PID 1 kills everything in it (stopped processes too), and unshare,
      // which waits for it, exits only once they are all gone. Sharing the machine's namespace,
      // this ends the sshd and the processes still under it; not those that left.
      if (child.exitCode === null && child.signalCode === null) signalTree(listener, 'SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
