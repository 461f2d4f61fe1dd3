/** The `%` tokens of ssh_config that the keywords smoke reads may contain (ssh_config(5), TOKENS). */
export interface SshTokens {
  /** %d: the local home directory. */
  home: string;
  /** %h: the remote host name (after HostName). */
  host: string;
  /** %n: the name as given (the alias). */
  alias: string;
  /** %p */
  port: number;
  /** %r: the remote user. */
  user: string;
  /** %u: the local user. */
  localUser: string;
}

/** Expands `%d %h %n %p %r %u %%` and a leading `~`; other tokens stay as written. */
export function expandSshTokens(value: string, tokens: SshTokens): string {
  const expanded = value.replace(/%([%dhnpru])/g, (_, t: string) => {
    switch (t) {
      case 'd':
        return tokens.home;
      case 'h':
        return tokens.host;
      case 'n':
        return tokens.alias;
      case 'p':
        return String(tokens.port);
      case 'r':
        return tokens.user;
      case 'u':
        return tokens.localUser;
      default:
        return '%';
    }
  });
  return expanded === '~' || expanded.startsWith('~/') ? tokens.home + expanded.slice(1) : expanded;
}
