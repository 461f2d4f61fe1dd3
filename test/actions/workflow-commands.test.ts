import { describe, expect, it } from 'vitest';
import { actionInputs, smokeArgv } from '../../src/actions/action-inputs.ts';
import { outputLines } from '../../src/actions/github-output.ts';
import { annotationLine, escapeData, escapeProperty } from '../../src/actions/workflow-commands.ts';

describe('workflow commands', () => {
  it('escapes data (%, CR, LF) and properties (also : and ,) as the runner unescapes them', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('smoke v1: linux/amd64, fail%\n')).toBe('smoke v1%3A linux/amd64%2C fail%25%0A');
    // A host's output cannot end the annotation and start a command of its own.
    const line = annotationLine({ level: 'error', title: 'a::b', message: 'boot failed\n::add-mask::x\n::set-env name=A::1' });
    expect(line).toBe('::error title=a%3A%3Ab::boot failed%0A::add-mask::x%0A::set-env name=A::1');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('writes single-line outputs as name=value and multi-line ones as a heredoc whose delimiter is not in the value', () => {
    expect(outputLines([['verdict', 'pass'], ['report-dir', '/tmp/r']])).toBe('verdict=pass\nreport-dir=/tmp/r\n');
    const delimiters = ['EOF', 'EOF', 'EOF2'];
    expect(outputLines([['x', 'a\nEOF\nb']], () => delimiters.shift() ?? 'Z')).toBe('x<<EOF2\na\nEOF\nb\nEOF2\n');
  });

  it('turns the inputs into a smoke command line: a tag runs it, no tag is one watch pass', () => {
    const run = actionInputs({ INPUT_TAG: ' v1.2.3 ', INPUT_PLATFORMS: 'linux/amd64,\ndarwin/arm64', INPUT_POST: 'false', RUNNER_TEMP: '/rt' });
    expect(run).toMatchObject({ tag: 'v1.2.3', config: 'hosts.yaml', post: false, reportsRoot: '/rt/smoke-reports' });
    expect(smokeArgv(run, '/r')).toEqual(['run', 'v1.2.3', '--config', 'hosts.yaml', '--reports', '/r', '--no-post', '--platform', 'linux/amd64', '--platform', 'darwin/arm64']);
    const watch = actionInputs({ INPUT_CONFIG: 'ci/hosts.yaml', INPUT_POST: 'true' });
    expect(smokeArgv(watch, '/r')).toEqual(['watch', '--once', '--config', 'ci/hosts.yaml', '--reports', '/r']);
    expect(watch.artifactName).toBe('smoke-watch-attempt1');
    expect(() => actionInputs({ INPUT_POST: 'yes' })).toThrow('the post input must be true or false, not "yes"');
    expect(() => smokeArgv(actionInputs({ INPUT_PLATFORMS: 'linux/amd64' }), '/r')).toThrow('the platforms input needs a tag');
    const ifChanged = actionInputs({ INPUT_TAG: 'v1.2.3', INPUT_IF_CHANGED: 'true' });
    expect(smokeArgv(ifChanged, '/r')).toEqual(['watch', '--once', '--tag', 'v1.2.3', '--config', 'hosts.yaml', '--reports', '/r']);
  });

  it('a merge input makes it `smoke merge` of those reports (the tag, when given, must match them)', () => {
    const merge = actionInputs({ INPUT_TAG: 'v1.2.3', INPUT_MERGE: 'shards/*/v1.2.3/*/report.json\n extra/report.json ', GITHUB_JOB: 'merge' });
    expect(merge.merge).toEqual(['shards/*/v1.2.3/*/report.json', 'extra/report.json']);
    expect(merge.artifactName).toBe('smoke-v1.2.3-merged-merge-attempt1');
    expect(smokeArgv(merge, '/r')).toEqual(['merge', 'shards/*/v1.2.3/*/report.json', 'extra/report.json', '--tag', 'v1.2.3', '--config', 'hosts.yaml', '--reports', '/r']);
    const untagged = actionInputs({ INPUT_MERGE: 'shards', INPUT_POST: 'false' });
    expect(smokeArgv(untagged, '/r')).toEqual(['merge', 'shards', '--config', 'hosts.yaml', '--reports', '/r', '--no-post']);
    expect(untagged.artifactName).toBe('smoke-merged-attempt1');
    expect(() => smokeArgv(actionInputs({ INPUT_MERGE: 'shards', INPUT_PLATFORMS: 'linux/amd64' }), '/r')).toThrow('the merge input takes neither platforms nor if-changed');
  });
});
