import { describe, expect, it } from 'vitest';
import { entryMatchesHost, knownHostsName, parseKnownHosts } from '../../src/hosts/known-hosts.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJZUlaJnyRTW/Iln0+5fgm6ZoICVV3GqIW9EijOcSMou';
// `ssh-keygen -H` output for [10.0.0.5]:2222.
const HASHED = '|1|elYjWB48P3I2gnEvhUGq2KT4uaw=|AQv3jAL7lZCl2Brmdjr3zK57gx0=';

describe('known_hosts', () => {
  it('parses entries with their line numbers and markers, skipping comments and junk', () => {
    const entries = parseKnownHosts(
      ['# comment', '', `host1,10.0.0.1 ${KEY} a comment`, 'garbage line', `@revoked * ${KEY}`, `@cert-authority *.example ${KEY}`].join('\n'),
    );
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.key.type])).toEqual([
      [3, undefined, 'host1,10.0.0.1', 'ssh-ed25519'],
      [5, 'revoked', '*', 'ssh-ed25519'],
      [6, 'cert-authority', '*.example', 'ssh-ed25519'],
    ]);
  });

  it('names a host the way ssh does: bare on port 22, [host]:port otherwise', () => {
    expect(knownHostsName('box', 22)).toBe('box');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('matches hashed host fields (HMAC-SHA1) only for the hashed name', () => {
    expect(entryMatchesHost(HASHED, '[10.0.0.5]:2222')).toBe(true);
    expect(entryMatchesHost(HASHED, '10.0.0.5')).toBe(false);
    expect(entryMatchesHost(HASHED, '[10.0.0.5]:2223')).toBe(false);
  });

  it('matches comma lists, wildcards and negations', () => {
    expect(entryMatchesHost('a,b,[c]:2222', '[c]:2222')).toBe(true);
    expect(entryMatchesHost('a,b,[c]:2222', 'c')).toBe(false);
    expect(entryMatchesHost('*.lab,!bad.lab', 'good.lab')).toBe(true);
    expect(entryMatchesHost('*.lab,!bad.lab', 'bad.lab')).toBe(false);
    expect(entryMatchesHost('10.0.0.?', '10.0.0.7')).toBe(true);
    expect(entryMatchesHost('10.0.0.?', '10.0.0.17')).toBe(false);
    expect(entryMatchesHost('Box', 'box')).toBe(true);
  });
});
