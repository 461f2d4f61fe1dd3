import { EXIT } from '../domain/errors.ts';
import { extractSection, parseSectionData } from '../posting/body-section.ts';
import { parseNoRoom } from '../posting/status-description.ts';
import { terminalSafe } from '../progress/terminal-safe.ts';
import { expectedAssets } from '../release/asset-names.ts';
import { testedState } from '../release/tested-state.ts';
import { commandContext } from './context.ts';
import type { CliIo } from './io.ts';

export interface GateCliOptions {
  config: string;
  repo?: string;
}

/**
 * `smoke gate <tag>`: exit 0 only if the latest posted result passed and still matches the
 * draft's assets and commit. Reads only; what it says is what a publisher needs to know.
 */
export async function gateCommand(tag: string, options: GateCliOptions, io: CliIo): Promise<number> {
  const { config, github } = await commandContext(options, io);
  const release = await github.findDraftByTag(tag);
  // The body is anyone's with push access: what it says is printed inert.
  const say = (line: string) => io.stdout.write(`${terminalSafe(line)}\n`);
  if (!release) {
    say(`gate: closed: no draft release ${JSON.stringify(tag)} (never tested, or already published)`);
    return EXIT.fail;
  }
  const commit = await github.resolveCommit(release);
  const data = parseSectionData(extractSection(release.body ?? null) ?? '');
  const names = expectedAssets(config.release, tag, [...config.platforms.keys()]).map((a) => a.name);
  const state = testedState(data, { release, expectedAssets: names, commit: commit.sha });
  if (state.kind === 'untested' || state.kind === 'running') {
    // A finished run whose result found no room in the body says so in the commit status only.
    const [latest] = await github.listCommitStatuses(commit.sha, config.statusContext);
    const noRoom = parseNoRoom(latest?.description);
    if (latest && noRoom) {
      say(`gate: closed: the last result is not in the draft's body: its ${noRoom.notesChars} characters of release notes leave no room for it (status ${latest.state}: ${noRoom.result}); shorten them and run again`);
      return EXIT.fail;
    }
  }
  switch (state.kind) {
    case 'untested':
      say(`gate: closed: ${tag} was never tested`);
      return EXIT.fail;
    case 'running':
      say(`gate: closed: ${tag} is still being tested (run ${state.runId}, started ${state.startedAt})`);
      return EXIT.fail;
    case 'stale':
      say(`gate: closed: the result of run ${state.data.runId} is stale: ${state.reasons.join('; ')}`);
      return EXIT.fail;
    case 'current':
      if (state.data.verdict !== 'pass') {
        say(`gate: closed: run ${state.data.runId} ended in ${state.data.verdict === 'fail' ? 'failure' : 'error'} (see the draft's smoke-test section)`);
        return EXIT.fail;
      }
      say(`gate: open: run ${state.data.runId} passed every platform for commit ${commit.sha.slice(0, 12)} and the current assets`);
      return EXIT.pass;
  }
}
