import { randomBytes } from 'node:crypto';

/**
 * `$GITHUB_OUTPUT` lines: `name=value`, or a heredoc with a delimiter the value does not
 * contain when it spans lines.
 */
export function outputLines(outputs: ReadonlyArray<readonly [string, string]>, delimiter = () => `smoke_${randomBytes(8).toString('hex')}`): string {
  return outputs
    .map(([name, value]) => {
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      let end = delimiter();
      while (value.includes(end)) end = delimiter();
      return `${name}<<${end}\n${value}\n${end}\n`;
    })
    .join('');
}
