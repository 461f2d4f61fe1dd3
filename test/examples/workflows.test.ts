import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';

// The action and the example workflows a release engineer copies: valid YAML, valid against
// SchemaStore's schemas (test/schemas/), and consistent with each other.

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');
const ACTION_REF = 'your-org/release-smoke@v1';

function load(path: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  expect(doc.errors.map((e) => e.message), path).toEqual([]);
  return doc.toJS() as Record<string, unknown>;
}

function validator(schemaFile: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/schemas', schemaFile), 'utf8')) as object);
}

const workflowFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yml'));

interface Step {
  uses?: string;
  id?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  run?: string;
}

function steps(workflow: Record<string, unknown>): Step[] {
  const jobs = workflow.jobs as Record<string, { steps?: Step[] }>;
  return Object.values(jobs).flatMap((job) => job.steps ?? []);
}

describe('action.yml and the example workflows', () => {
  const action = load(join(ROOT, 'action.yml'));
  const inputs = Object.keys(action.inputs as object);
  const outputs = Object.keys(action.outputs as object);

  it('action.yml validates against the GitHub action schema', () => {
    const validate = validator('github-action.json');
    expect(validate(action), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema is strict enough to catch a wrong key.
    expect(validate({ ...action, runs: { ...(action.runs as object), using: 'composite', stepz: [] } })).toBe(false);
  });

  it('hands every input to the entry script, and every output comes from its step', () => {
    const runs = action.runs as { steps: Step[] };
    const smoke = runs.steps.find((s) => s.id === 'smoke');
    expect(smoke?.run).toContain('bin/smoke-action.js');
    const env = Object.keys(smoke?.env ?? {});
    const handled = new Set(['token', 'node-version', 'publish-junit']);
    for (const input of inputs.filter((i) => !handled.has(i))) {
      expect(env, input).toContain(`INPUT_${input.toUpperCase().replace(/-/g, '_')}`);
    }
    for (const [name, output] of Object.entries(action.outputs as Record<string, { value: string }>)) {
      expect(output.value).toBe(`\${{ steps.smoke.outputs.${name} }}`);
    }
    // The actions it relies on are the well-known ones, pinned to a major version.
    expect(runs.steps.map((s) => s.uses).filter(Boolean)).toEqual(['actions/setup-node@v4', 'actions/upload-artifact@v4', 'mikepenz/action-junit-report@v5']);
  });

  it('no workflow of this repository runs the example: it lives in examples/', () => {
    const own = join(ROOT, '.github/workflows');
    const files = existsSync(own) ? readdirSync(own) : [];
    expect(files).toEqual([]);
    expect(workflowFiles.sort()).toEqual(['publish.yml', 'sharded.yml', 'smoke.yml']);
  });

  it.each(workflowFiles)('%s validates against the GitHub workflow schema and uses only what the action declares', (file) => {
    const workflow = load(join(EXAMPLES, file));
    const validate = validator('github-workflow.json');
    expect(validate(workflow), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...workflow, jobs: { x: { 'runs-on': 'ubuntu-latest', stepz: [] } } })).toBe(false);
    for (const step of steps(workflow).filter((s) => s.uses === ACTION_REF)) {
      for (const key of Object.keys(step.with ?? {})) expect(inputs, `${file}: with.${key}`).toContain(key);
    }
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    for (const m of text.matchAll(/steps\.smoke\.outputs\.([A-Za-z0-9_-]+)/g)) expect(outputs, `${file}: ${m[0]}`).toContain(m[1]);
  });

  it('the test workflow: workflow_run, schedule and dispatch, one job per tag in a group keyed by it, known_hosts written', () => {
    const workflow = load(join(EXAMPLES, 'smoke.yml'));
    const on = workflow.on as Record<string, unknown>;
    expect(on.workflow_run).toMatchObject({ types: ['completed'] });
    expect(on.schedule).toBeDefined();
    expect(on.workflow_dispatch).toMatchObject({ inputs: { tag: { required: true } } });
    const job = (workflow.jobs as Record<string, Record<string, unknown>>).smoke!;
    expect(job.concurrency).toEqual({ group: 'smoke-${{ github.repository }}-${{ matrix.tag }}', 'cancel-in-progress': false });
    expect(JSON.stringify(job.strategy)).toContain('fromJSON(needs.drafts.outputs.tags)');
    expect(steps(workflow).some((s) => s.run?.includes('~/.ssh/known_hosts'))).toBe(true);
  });

  it('the publish workflow: gate first, then an environment with reviewers, gate again and only then gh release edit', () => {
    const workflow = load(join(EXAMPLES, 'publish.yml'));
    const jobs = workflow.jobs as Record<string, { needs?: string; environment?: string; steps: Step[] }>;
    expect(jobs.publish).toMatchObject({ needs: 'gate', environment: 'release' });
    const last = jobs.publish!.steps.at(-1)?.run ?? '';
    expect(last).toMatch(/smoke\.js gate "\$TAG" .*&& gh release edit "\$TAG" --draft=false$/);
    expect(jobs.gate!.steps.at(-1)?.run).toContain('smoke.js gate "$TAG"');
    expect(JSON.stringify(jobs.gate)).not.toContain('release edit');
  });

  it('the sharded workflow: a --no-post shard per platform on its own runner, each uploading its artifact; one job merges them and posts', () => {
    const workflow = load(join(EXAMPLES, 'sharded.yml'));
    type Job = { needs?: string; if?: string; 'runs-on': unknown; strategy?: { matrix: { include: Array<{ platform: string; shard: string; runner: string[] }> }; 'max-parallel'?: number }; steps: Step[] };
    const jobs = workflow.jobs as Record<string, Job>;
    expect(Object.keys(jobs)).toEqual(['shard', 'merge']);
    const include = jobs.shard!.strategy!.matrix.include;
    // ephemerd's four native runners, each its platform's host (transport: local).
    expect(include.map((m) => [m.platform, m.runner])).toEqual([
      ['linux/amd64', ['self-hosted', 'linux', 'x64']],
      ['linux/arm64', ['self-hosted', 'linux', 'arm64']],
      ['windows/amd64', ['self-hosted', 'windows', 'x64']],
      ['darwin/arm64', ['self-hosted', 'macos', 'arm64']],
    ]);
    expect(jobs.shard!['runs-on']).toBe('${{ matrix.runner }}');
    expect(jobs.shard!.strategy!['max-parallel']).toBeUndefined();
    const shard = jobs.shard!.steps.find((s) => s.uses === ACTION_REF);
    expect(shard?.with).toMatchObject({ platforms: '${{ matrix.platform }}', post: false, 'artifact-name': 'smoke-shard-${{ matrix.shard }}' });
    // The merge job runs after failed shards too (a failure is a result to post), not after a cancel.
    expect(jobs.merge).toMatchObject({ needs: 'shard', if: '${{ !cancelled() }}' });
    const download = jobs.merge!.steps.find((s) => s.uses === 'actions/download-artifact@v4');
    expect(download?.with).toEqual({ pattern: 'smoke-shard-*', path: 'shards' });
    const merge = jobs.merge!.steps.find((s) => s.uses === ACTION_REF);
    expect(merge?.with).toMatchObject({ tag: '${{ inputs.tag }}', merge: 'shards' });
    expect(merge?.with?.post).toBeUndefined(); // posts: the one result for the draft
    expect(jobs.merge!.steps.indexOf(download!)).toBeLessThan(jobs.merge!.steps.indexOf(merge!));
    // The other form is described, with what it needs.
    const text = readFileSync(join(EXAMPLES, 'sharded.yml'), 'utf8');
    expect(text).toContain('four posting shards');
    expect(text).toContain('max-parallel: 1');
  });

  it('the runners as hosts: examples/hosts-runners.yaml and the snippet in sharded.yml load, four transport: local hosts', async () => {
    const config = await loadConfig(join(EXAMPLES, 'hosts-runners.yaml'), {});
    expect(config.hosts.map((h) => [h.name, h.platform, h.transport])).toEqual([
      ['runner-linux-amd64', 'linux/amd64', 'local'],
      ['runner-linux-arm64', 'linux/arm64', 'local'],
      ['runner-windows-amd64', 'windows/amd64', 'local'],
      ['runner-macos-arm64', 'darwin/arm64', 'local'],
    ]);
    expect([...config.platforms.keys()]).toEqual(['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64']);
    const snippet = readFileSync(join(EXAMPLES, 'sharded.yml'), 'utf8').split('\n').filter((l) => l.startsWith('#     - {')).map((l) => l.slice(2));
    const dir = mkdtempSync(join(tmpdir(), 'smoke-example-'));
    try {
      const file = join(dir, 'hosts.yaml');
      writeFileSync(file, ['hosts:', ...snippet, ''].join('\n'));
      const fromSnippet = await loadConfig(file, {});
      expect(fromSnippet.hosts.map((h) => [h.name, h.platform, h.transport, h.shell])).toEqual(config.hosts.map((h) => [h.name, h.platform, h.transport, h.shell]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
