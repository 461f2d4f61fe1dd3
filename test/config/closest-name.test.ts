import { expect, it } from 'vitest';
import { closestName } from '../../src/config/closest-name.ts';

const keys = ['name', 'platform', 'address', 'port', 'user', 'identityFile', 'knownHosts', 'timeoutSeconds'];

it('finds the key a typo meant', () => {
  expect(closestName('prot', keys)).toBe('port');
  expect(closestName('identity_file', keys)).toBe('identityFile');
  expect(closestName('KnownHosts', keys)).toBe('knownHosts');
  expect(closestName('adress', keys)).toBe('address');
  expect(closestName('timeoutSecs', keys)).toBe('timeoutSeconds');
});

it('suggests nothing when nothing is close', () => {
  expect(closestName('colour', keys)).toBeUndefined();
  expect(closestName('x', [])).toBeUndefined();
});
