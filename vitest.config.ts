import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sshd processes and HTTP servers start in tests; two cores are the budget. A whole
    // four-platform run includes the PowerShell host, whose every command starts a pwsh (about a
    // second of CPU): on a loaded machine such a test took 46 s alone and over 60 s beside others.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
