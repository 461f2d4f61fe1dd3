import { expect, it } from 'vitest';
import { probeBoot } from '../../src/probes/boot.ts';
import { probeBootService } from '../../src/probes/boot-service.ts';
import { posixShell } from '../../src/shells/posix.ts';
import { defaultTestProbes } from '../support/test-host-config.ts';
import { fakeRemote } from './fake-remote.ts';

// The service probe's decisions over a fake host: real service managers are not in the sandbox.
const settings = { ...defaultTestProbes().boot, mode: 'service' as const, timeoutMs: 300 };
const input = { binaryPath: '/run/bin/ephemerd', runDir: '/run', settings, pollMs: 10 };
const ran = (commands: string[], word: string) => commands.some((c) => c.includes(`'${word}'`));

it('passes when status answers ok, and always stops and uninstalls', async () => {
  const remote = fakeRemote([[/'status'/, (n) => (n < 2 ? { exitCode: 1 } : { stdout: '{"status":"ok"}' })]]);
  const result = await probeBootService(remote, posixShell, input);
  expect(result.status).toBe('pass');
  const order = ['install', 'start', 'status', 'stop', 'uninstall'].map((w) => remote.commands.findIndex((c) => c.includes(`'${w}'`)));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(remote.commands.some((c) => c.includes("'uninstall' '--yes'"))).toBe(true);
});

it('fails when install fails, and still uninstalls', async () => {
  const remote = fakeRemote([[/'install'/, () => ({ exitCode: 3, stderr: 'not root' })]]);
  const result = await probeBootService(remote, posixShell, input);
  expect(result.status).toBe('fail');
  expect(result.detail).toMatch(/install exited with code 3/);
  expect(ran(remote.commands, 'start')).toBe(false);
  expect(ran(remote.commands, 'uninstall')).toBe(true);
});

it('fails when status never answers ok in time; an uninstall failure is noted', async () => {
  const remote = fakeRemote([
    [/'status'/, () => ({ exitCode: 1, stdout: 'daemon down' })],
    [/'uninstall'/, () => ({ exitCode: 1 })],
  ]);
  const result = await probeBootService(remote, posixShell, input);
  expect(result.status).toBe('fail');
  expect(result.detail).toMatch(/did not answer status ok within 0.3 s: daemon down; ephemerd uninstall exited with code 1/);
});

it('is an error, not a fail, when the host drops the connection', async () => {
  const remote = fakeRemote([[/'start'/, () => ({ exitCode: null, timedOut: true })]]);
  const result = await probeBootService(remote, posixShell, input);
  expect(result.status).toBe('error');
  expect(ran(remote.commands, 'uninstall')).toBe(true);
});

it('probeBoot skips when the mode is off and runs the service probe in service mode', async () => {
  const remote = fakeRemote([[/'status'/, () => ({ stdout: '{"status":"ok"}' })]]);
  const off = await probeBoot(remote, posixShell, { ...input, settings: { ...settings, mode: 'off' } });
  expect(off).toMatchObject({ status: 'skipped', detail: `boot probe is off for ${remote.host.name}` });
  expect(remote.commands).toEqual([]);
  expect((await probeBoot(remote, posixShell, input)).status).toBe('pass');
  expect(ran(remote.commands, 'install')).toBe(true);
});
