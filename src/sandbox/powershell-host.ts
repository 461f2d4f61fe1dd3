import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SmokeError } from '../domain/errors.ts';
import { packageRoot } from './stand-in/launcher.ts';
import { startSshd, type SshdHandle, type SshdOptions } from './sshd.ts';

const HERE = join(packageRoot(), 'src', 'sandbox', 'windows-host');
/**
 * The folder of Windows-only programs the PowerShell host puts first on its PATH: `powershell`
 * (runs pwsh, with the Get-CimInstance stand-in on its module path) and `taskkill.exe`.
 */
export const WINDOWS_STAND_INS = join(HERE, 'bin');
/** `tar.exe`: Windows' bsdtar, Debian's bsdtar here. */
const TAR_EXE = join(HERE, 'tar');

/** What every Windows session's environment says about the machine. */
const WINDOWS_ENVIRONMENT = { OS: 'Windows_NT', PROCESSOR_ARCHITECTURE: 'AMD64' };

/** sshd's PATH for sessions (OpenSSH's default), after the stand-ins. */
const SESSION_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PowerShellHostOptions extends SshdOptions {
  /**
   * Every command's SSH exit status, whatever the command did: what some Win32-OpenSSH versions
   * answer (PowerShell/Win32-OpenSSH #421, #1933).
   */
  loseExitStatus?: number;
  /** Windows 10 1803 and later have tar.exe (default); without it zips go through Expand-Archive. */
  tarExe?: boolean;
  /** More variables for every session (e.g. where the stand-in's service manager keeps its state). */
  env?: Record<string, string>;
}

/**
 * A real sshd whose commands reach a real PowerShell: `powershell -NoProfile -NonInteractive
 * -EncodedCommand …`, the command line a Windows host gets, runs PowerShell 7 (pwsh) here.
 */
export function startPowerShellSshd(options: PowerShellHostOptions = {}): Promise<SshdHandle> {
  const path = [WINDOWS_STAND_INS, ...(options.tarExe === false ? [] : [TAR_EXE]), SESSION_PATH].join(':');
  const vars: Record<string, string> = { PATH: path, SMOKE_PWSH: findPwsh(), ...WINDOWS_ENVIRONMENT, ...options.env };
  if (options.loseExitStatus !== undefined) vars.SMOKE_LOSE_EXIT_STATUS = String(Math.trunc(options.loseExitStatus));
  for (const [name, value] of Object.entries(vars)) {
    // sshd_config quotes with "" and has no escape for a quote inside.
    if (/["\n]/.test(value)) throw new Error(`cannot pass ${name}=${JSON.stringify(value)} through SetEnv`);
  }
  const setEnv = `SetEnv ${Object.entries(vars).map(([name, value]) => `"${name}=${value}"`).join(' ')}`;
  return startSshd({ ...options, extraConfig: [...(options.extraConfig ?? []), setEnv] });
}

/** pwsh from the PATH, else where `dotnet tool install --global PowerShell` puts it. */
export function findPwsh(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), join(homedir(), '.dotnet', 'tools')];
  for (const dir of dirs) {
    const candidate = join(dir, 'pwsh');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue; // not in this folder
    }
  }
  throw new SmokeError('PowerShell (pwsh) is not installed: run `sh scripts/setup.sh` (it runs `dotnet tool install --global PowerShell --version 7.6.10`)');
}
