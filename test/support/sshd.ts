// The real-sshd harness lives in src/sandbox/ because `smoke demo` starts the same hosts.
export * from '../../src/sandbox/sshd.ts';
export { hostConfigFor, defaultTestProbes } from './test-host-config.ts';
