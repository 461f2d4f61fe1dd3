import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, SmokeError } from './domain/errors.ts';
import { helpAfter } from './cli-help.ts';
import type { GateCliOptions } from './commands/gate.ts';
import type { HostsCheckOptions } from './commands/hosts-check.ts';
import type { HostsCleanOptions } from './commands/hosts-clean.ts';
import type { MergeCliOptions } from './commands/merge.ts';
import type { CliIo } from './commands/io.ts';
import type { RunCliOptions } from './commands/run.ts';
import type { WatchCliOptions } from './commands/watch.ts';
import { scrubbingIo } from './commands/scrubbing-io.ts';
import { sourceStack } from './source-stack.ts';
import { terminalSafe } from './progress/terminal-safe.ts';
import { VERSION } from './version.ts';

/** Parses arguments, runs one command, and is the one place errors become exit codes. */
export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const io = scrubbingIo(rawIo);
  let exitCode: number = EXIT.pass;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; --help and --version end here with code 0.
    return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
  }
  if (error instanceof SmokeError) {
    // A message may quote GitHub or a host: no escape sequence of theirs reaches the terminal.
    io.stderr.write(`smoke: ${terminalSafe(error.message)}\n`);
    return error.exitCode;
  }
  // A bug of ours, not a user's mistake: the stack, in src/ lines, helps whoever fixes it.
  const text = error instanceof Error ? sourceStack(error.stack ?? error.message) : String(error);
  io.stderr.write(`smoke: internal error: ${text}\n`);
  return EXIT.noVerdict;
}

/** The commands and their options; each command module is loaded only when it runs. */
function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('smoke')
    .description('Prove a draft GitHub release on real machines before a person publishes it.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .version(VERSION, '-V, --version', 'print the version of smoke')
    .showHelpAfterError('(run smoke --help for usage)')
    .addHelpText('after', helpAfter('smoke'));
  const run: Runner = (work) => async () => setExit(await work());
  addRun(program, io, run);
  addMerge(program, io, run);
  addWatch(program, io, run);
  addGate(program, io, run);
  addHosts(program, io, run);
  program
    .command('demo')
    .addHelpText('after', helpAfter('demo'))
    .description('run the whole service against a built-in sandbox: a fake GitHub and hosts on this machine')
    .addOption(reportsOption())
    .action(async (options: { reports: string }) => {
      const { demoCommand } = await import('./commands/demo.ts');
      setExit(await demoCommand(options, io));
    });
  return program;
}

type Runner = (work: () => Promise<number>) => () => Promise<void>;

const configOption = () => new Option('--config <file>', 'hosts and probe settings').default('./hosts.yaml');
const repoOption = () => new Option('--repo <owner/name>', 'repository (before GH_REPO, the config\'s repo:, then GITHUB_REPOSITORY)');
const reportsOption = () => new Option('--reports <dir>', 'where reports are written').default('./reports');

function addRun(program: Command, io: CliIo, run: Runner): void {
  program
    .command('run')
    .addHelpText('after', helpAfter('run'))
    .description('test one draft release now')
    .argument('<tag>', 'the draft release tag, e.g. v0.0.1')
    .addOption(configOption())
    .addOption(repoOption())
    .addOption(reportsOption())
    .option('--platform <os/arch>', 'test only this platform (repeatable)', collect, [] as string[])
    .option('--no-post', 'touch nothing on GitHub (no body section, no commit status)')
    .option('--json', 'print report.json on stdout; everything else goes to stderr')
    .option('--keep-on-failure', 'keep the run directory on a host whose platform did not pass')
    .action((tag: string, options: RunCliOptions) => run(async () => (await import('./commands/run.ts')).runCommand(tag, options, io))());
}

function addMerge(program: Command, io: CliIo, run: Runner): void {
  program
    .command('merge')
    .addHelpText('after', helpAfter('merge'))
    .description('post one result for the reports of shards (`smoke run <tag> --platform X --no-post` each)')
    .argument('<report...>', 'report.json files, or folders searched for them (downloaded artifacts)')
    .addOption(configOption())
    .addOption(repoOption())
    .addOption(reportsOption())
    .option('--tag <tag>', 'refuse reports of any other tag')
    .option('--no-post', 'only write the merged reports (no body section, no commit status)')
    .option('--json', 'print the merged report.json on stdout; everything else goes to stderr')
    .action((reports: string[], options: MergeCliOptions) => run(async () => (await import('./commands/merge.ts')).mergeCommand(reports, options, io))());
}

function addWatch(program: Command, io: CliIo, run: Runner): void {
  program
    .command('watch')
    .addHelpText('after', helpAfter('watch'))
    .description('poll one or several repositories for drafts and test each new or changed one, sharing the hosts')
    .addOption(configOption())
    .option('--repo <owner/name>', 'repository to watch (repeatable; default: the config\'s repositories:, else as for run)', collect, [] as string[])
    .addOption(reportsOption())
    .option('--interval <seconds>', 'seconds between polls', parsePositiveInt, 60)
    .option('--once', 'one pass, then exit (for a scheduled job)')
    .option('--tag <tag>', 'look only at the draft with this tag (repeatable)', collect, [] as string[])
    .option('--no-post', 'touch nothing on GitHub')
    .option('--keep-on-failure', 'keep the run directory on a host whose platform did not pass')
    .action((options: WatchCliOptions) => run(async () => (await import('./commands/watch.ts')).watchCommand(options, io))());
}

function addGate(program: Command, io: CliIo, run: Runner): void {
  program
    .command('gate')
    .addHelpText('after', helpAfter('gate'))
    .description('exit 0 only if the latest posted result passed and still matches the draft')
    .argument('<tag>', 'the draft release tag')
    .addOption(configOption())
    .addOption(repoOption())
    .action((tag: string, options: GateCliOptions) => run(async () => (await import('./commands/gate.ts')).gateCommand(tag, options, io))());
}

function addHosts(program: Command, io: CliIo, run: Runner): void {
  const hosts = program.command('hosts').description('check or clean the test hosts').addHelpText('after', helpAfter('hosts'));
  hosts
    .command('check')
    .addHelpText('after', helpAfter('hosts check'))
    .description('connect to every host and report whether it is usable')
    .addOption(configOption())
    .action((options: HostsCheckOptions) => run(async () => (await import('./commands/hosts-check.ts')).hostsCheckCommand(options, io))());
  hosts
    .command('clean')
    .addHelpText('after', helpAfter('hosts clean'))
    .description('stop and remove what earlier runs left on the hosts')
    .addOption(configOption())
    .action((options: HostsCleanOptions) => run(async () => (await import('./commands/hosts-clean.ts')).hostsCleanCommand(options, io))());
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a whole number of seconds, got "${value}"`);
  }
  return n;
}
