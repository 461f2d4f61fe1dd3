/**
 * Windows passes a program one command-line string; the program splits it (CommandLineToArgvW
 * rules, which Go and the MSVC runtime follow). PowerShell 5.1 does not quote arguments for
 * `Start-Process -ArgumentList` or `ProcessStartInfo.Arguments`, so we build the string.
 */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    // Backslashes are literal unless a quote follows them: then each must be doubled.
    out += ch === '"' ? '\\'.repeat(backslashes * 2 + 1) + '"' : '\\'.repeat(backslashes) + ch;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

export function windowsCommandLine(args: string[]): string {
  return args.map(quoteWindowsArg).join(' ');
}
