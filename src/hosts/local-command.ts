import { SmokeError } from '../domain/errors.ts';

/**
 * The program and arguments that run one dialect command on this machine. The dialects build
 * complete command texts for an SSH exec: a POSIX command goes to `sh -c` as one argument, and a
 * PowerShell one is already `powershell … -EncodedCommand <base64>`, whose words need no shell at
 * all (`pwsh` stands in for Windows PowerShell off Windows). Nothing is quoted a second time.
 */
export function localArgv(shell: 'posix' | 'powershell', command: string, platform: NodeJS.Platform = process.platform): string[] {
  if (shell === 'posix') return ['/bin/sh', '-c', command];
  const words = command.split(' ');
  if (words[0] !== 'powershell' || !/ -EncodedCommand [A-Za-z0-9+/=]+$/.test(command)) {
    throw new SmokeError('a PowerShell host runs only encoded commands (powershell … -EncodedCommand …)');
  }
  return [platform === 'win32' ? 'powershell' : 'pwsh', ...words.slice(1)];
}
