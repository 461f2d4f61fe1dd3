import { EXIT } from '../domain/errors.ts';
import { extractSection, parseSectionData } from '../posting/body-section.ts';
import { parseNoRoom } from '../posting/status-description.ts';
import { terminalSafe } from '../progress/terminal-safe.ts';
import { expectedAssets } from '../release/asset-names.ts';
import { judgeDraft } from '../posting/draft-verdict.ts';
import { commandContext } from './context.ts';
import type { CliIo } from './io.ts';

export interface GateCliOptions {
  config: string;
  repo?: string;
}

/**
 * `smoke gate <tag>`: exit 0 only when every configured platform has a current pass (a row for
 * the draft's commit and its asset's current digest), from one run or several. Decided by
 * `judgeDraft`, as the commit status is. Reads only; what it says is what a publisher needs to know.
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
  const expected = expectedAssets(config.release, tag, [...config.platforms.keys()]);
  // The rule the commit status is posted by: the gate and the status never disagree.
  const judged = judgeDraft(data, { expected, assets: release.assets, commit: commit.sha });
  if (!data || data.state === 'running') {
    // A finished run whose result found no room in the body says so in the commit status only.
    const [latest] = await github.listCommitStatuses(commit.sha, config.statusContext);
    const noRoom = parseNoRoom(latest?.description);
    if (latest && noRoom) {
      say(`gate: closed: the last result is not in the draft's body: its ${noRoom.notesChars} characters of release notes leave no room for it (status ${latest.state}: ${noRoom.result}); shorten them and run again`);
      return EXIT.fail;
    }
    say(data ? `gate: closed: ${tag} is still being tested (run ${data.runId}, started ${data.startedAt})` : `gate: closed: ${tag} was never tested`);
    return EXIT.fail;
  }
  if (judged.state === 'success') {
    const runs = judged.runIds.length === 1 ? `run ${judged.runIds[0]}` : `runs ${judged.runIds.join(', ')}`;
    say(`gate: open: ${runs} passed every platform for commit ${commit.sha.slice(0, 12)} and the current assets (${judged.description})`);
    return EXIT.pass;
  }
  const outcome = judged.state === 'failure' ? 'ended in failure' : judged.state === 'error' ? 'ended in error' : 'leaves platforms untested or stale';
  say(`gate: closed (status ${judged.state}: ${judged.description}): the draft's results ${outcome}: ${judged.reasons.join('; ')}`);
  return EXIT.fail;
}
