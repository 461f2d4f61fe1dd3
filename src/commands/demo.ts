import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT } from '../domain/errors.ts';
import { extractSection } from '../posting/body-section.ts';
import { tagFolder } from '../report/write-reports.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import { withoutGitHubVariables } from './github-settings.ts';
import type { CliIo } from './io.ts';
import { runCommand } from './run.ts';

const BROKEN = 'darwin/arm64';

/**
 * `smoke demo`: the whole service against the built-in sandbox. The draft's darwin/arm64 build
 * has an empty embedded kernel, as in the real incident: it compiles, passes every check before
 * a host, prints the right version, and dies at boot. Exit 0 when the run finds exactly that.
 */
export async function demoCommand(options: { reports: string }, io: CliIo): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-demo-'));
  const say = (text: string) => io.stderr.write(`${text}\n`);
  try {
    say('demo: starting a fake GitHub with draft v0.0.1 (four archives, checksums.txt) and four sshd hosts on this machine;');
    say('demo: the windows/amd64 host runs every command in a real PowerShell (pwsh) behind its sshd, as a Windows host would');
    const sandbox = await startSandbox({ dir, behaviours: { [BROKEN]: { variant: 'empty-kernel-exit' } } });
    try {
      const reports = resolve(options.reports);
      const code = await runCommand(
        'v0.0.1',
        { config: sandbox.configPath, reports, platform: [], post: true },
        { ...io, env: { ...withoutGitHubVariables(io.env), ...sandbox.env } },
      );
      const section = extractSection(sandbox.fake.release(sandbox.releaseId).body ?? null);
      // The raw section (data comment, `&#95;` entities) is for GitHub's renderer, not a terminal.
      const sectionFile = join(reports, tagFolder('v0.0.1'), 'draft-section.md');
      await mkdir(join(reports, tagFolder('v0.0.1')), { recursive: true });
      await writeFile(sectionFile, `${section ?? '(no section was written)'}\n`);
      say(`\ndemo: the section smoke wrote into the draft body (the release notes above it are untouched) is in ${sectionFile}`);
      say(
        [
          '',
          `demo: the red cell is ${BROKEN} boot. That build embeds a zero-byte VM kernel: it compiles, its archive`,
          'and header are right, and `ephemerd --version` answers, but `ephemerd serve` exits at once with',
          '"embedded embed/vmlinuz is empty (placeholder only)". Only booting it on a host shows that.',
          'demo: windows/amd64 was tested on the PowerShell host: its zip went over SFTP, and hashing, extracting,',
          '`--version`, the boot probe and the cleanup ran as PowerShell scripts (taskkill.exe and CIM are stand-ins there).',
          `demo: reports are in ${join(reports, tagFolder('v0.0.1'))} (report.html is the matrix and timeline in a browser; ${join(reports, 'index.html')} lists every run)`,
        ].join('\n'),
      );
      // A run that passes everything missed the broken build: that is the demo failing.
      return code === EXIT.fail ? EXIT.pass : code === EXIT.pass ? EXIT.fail : code;
    } finally {
      await sandbox.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
