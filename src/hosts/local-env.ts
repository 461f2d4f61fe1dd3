/**
 * What a command on a `transport: local` host sees of smoke's environment: what a login session
 * would have, nothing else. smoke's own environment holds the GitHub token (and on a CI runner
 * other secrets); over SSH none of it crosses, and it must not here either.
 */
const PASSED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  // Windows: programs and PowerShell do not start without these.
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'SYSTEMDRIVE',
  'USERPROFILE',
  'USERNAME',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'COMMONPROGRAMFILES',
  'COMPUTERNAME',
  'OS',
  'PROCESSOR_ARCHITECTURE',
  'NUMBER_OF_PROCESSORS',
  'PSMODULEPATH',
]);

export function localHostEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    // Windows names are case-insensitive (Path, SystemRoot).
    if (value !== undefined && (PASSED.has(name.toUpperCase()) || /^LC_[A-Z]+$/.test(name))) out[name] = value;
  }
  return out;
}
