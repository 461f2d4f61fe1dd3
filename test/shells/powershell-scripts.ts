import { decodePowerShell, powerShell as ps } from '../../src/shells/powershell.ts';

/** A Windows path that breaks naive quoting in PowerShell, cmd and the Windows command line. */
export const NASTY = "C:\\smoke\\it's ‘here’ $(calc) `n; & | %TEMP%";

/** Every command the PowerShell dialect builds, with hostile paths, as it travels. */
export const POWERSHELL_COMMANDS: Record<string, string> = {
  'make-run-dir': ps.makeRunDir({ workdir: NASTY, runId: 'run-1' }),
  'make-run-dir-default': ps.makeRunDir({ runId: 'run-1' }),
  'make-dir': ps.makeDir(NASTY),
  'stage-archive': ps.stageArchive({ archive: `${NASTY}\\'; rm -rf ~; '.zip`, expectedSha256: 'AB'.repeat(32), destination: `${NASTY}\\bin`, format: 'zip', binaryPath: `${NASTY}\\bin\\ephemerd.exe` }),
  entitlements: ps.entitlements('x'),
  'run-with-timeout': ps.runWithTimeout({ argv: [`${NASTY}\\ephemerd.exe`, '--version', 'say "hi"\\'], cwd: NASTY, timeoutMs: 30_000, sudo: false }),
  'run-then-sweep': ps.runThenSweep({ run: { argv: [`${NASTY}\\ephemerd.exe`, '--version'], cwd: NASTY, timeoutMs: 30_000, sudo: false, runMark: NASTY }, graceMs: 5000, marker: 'f00d' }),
  'run-script-with-timeout': ps.runScriptWithTimeout({ script: "& 'C:\\x.exe' --help", cwd: NASTY, timeoutMs: 5_000, sudo: false }),
  'start-background': ps.startBackground({ argv: [`${NASTY}\\ephemerd.exe`, 'serve', '--data-dir', `${NASTY}\\data`], cwd: NASTY, logFile: `${NASTY}\\boot.log`, pidFile: `${NASTY}\\pids\\boot.pid`, sudo: false }),
  'follow-log': ps.followLog({ logFile: `${NASTY}\\boot.log`, pidFile: `${NASTY}\\pids\\boot.pid`, offset: 1234, maxBytes: 65536, intervalMs: 250, maxRunMs: 60_000, marker: '0a1b2c' }),
  'stop-groups': ps.stopGroups({ pidFiles: [`${NASTY}\\pids\\boot.pid`], graceMs: 5000, sudo: false }),
  'clean-run': ps.cleanRun({ runDir: NASTY, graceMs: 5000, sudo: false, remove: true }),
  'clean-run-keep': ps.cleanRun({ runDir: NASTY, graceMs: 5000, sudo: false, remove: false }),
  'sweep-marked-run': ps.sweepMarked({ scope: { runDir: NASTY }, graceMs: 5000, sudo: false })!,
  'sweep-marked-workdir': ps.sweepMarked({ scope: { workdir: NASTY }, graceMs: 5000, sudo: false })!,
  'sweep-marked-temp': ps.sweepMarked({ scope: { workdir: undefined }, graceMs: 5000, sudo: false })!,
  'list-runs': ps.listRuns({ workdir: NASTY }),
  'make-data-dir-and-start': ps.makeDataDirAndStart({
    dataDir: `${NASTY}\\data`,
    port: 0,
    config: { path: `${NASTY}\\data\\config.toml`, before: "port = '", after: "'\n" },
    start: { argv: [`${NASTY}\\ephemerd.exe`, 'serve'], cwd: NASTY, logFile: `${NASTY}\\boot.log`, pidFile: `${NASTY}\\pids\\boot.pid`, sudo: false },
  }),
  'stop-and-sweep': ps.stopAndSweep({ pidFiles: [`${NASTY}\\pids\\boot.pid`], runDir: NASTY, graceMs: 5000, sudo: false }),
  healthz: ps.healthz({ port: 18080, timeoutMs: 3000 }),
  'host-facts': ps.hostFacts({ workdir: NASTY, program: `${NASTY}\\qemu.exe` }),
  'host-facts-default': ps.hostFacts({}),
  'sudo-works': ps.sudoWorks(),
};

/** Each command's script, and the scripts nested in it (a custom probe runs in a PowerShell of its own). */
export interface PowerShellScript {
  name: string;
  text: string;
  /** Ends through Exit-Smoke (a top-level command); nested scripts exit the usual way. */
  reportsExit: boolean;
}

export function powerShellScripts(): PowerShellScript[] {
  const out: PowerShellScript[] = [];
  for (const [name, wire] of Object.entries(POWERSHELL_COMMANDS)) {
    const text = decodePowerShell(wire);
    out.push({ name, text, reportsExit: true });
    for (const [i, nested] of [...text.matchAll(/-EncodedCommand ([A-Za-z0-9+/=]+)/g)].entries()) {
      out.push({ name: `${name} (nested ${i + 1})`, text: Buffer.from(nested[1]!, 'base64').toString('utf16le'), reportsExit: false });
    }
  }
  return out;
}
