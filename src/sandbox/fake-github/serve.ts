// Runs the fake GitHub in its own process, so a test can measure another process
// downloading from it:
//   node --import tsx src/sandbox/fake-github/serve.ts --spec spec.json
// Prints one JSON line {"url","storageUrl","releases":[{id,tag_name,assets:[{id,name}]}]}
// once listening; exits on SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startFakeGitHub } from './start-fake-github.ts';

const AssetSpec = z.strictObject({
  name: z.string(),
  file: z.string().optional(),
  content: z.string().optional(),
  state: z.enum(['uploaded', 'open']).optional(),
  digest: z.string().nullable().optional(),
});
const ReleaseSpec = z.strictObject({
  tag_name: z.string(),
  draft: z.boolean().optional(),
  prerelease: z.boolean().optional(),
  target_commitish: z.string().optional(),
  body: z.string().nullable().optional(),
  name: z.string().optional(),
  assets: z.array(AssetSpec).default([]),
});
const FakeSpec = z.strictObject({
  owner: z.string().optional(),
  repo: z.string().optional(),
  tokens: z.record(z.string(), z.enum(['push', 'read'])).optional(),
  rateLimit: z.number().int().positive().optional(),
  branches: z.record(z.string(), z.string()).default({}),
  tags: z.record(z.string(), z.string()).default({}),
  releases: z.array(ReleaseSpec).default([]),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { spec: { type: 'string' } } });
  if (!values.spec) throw new Error('usage: serve.ts --spec <json file>');
  const parsed = FakeSpec.safeParse(JSON.parse(readFileSync(values.spec, 'utf8')));
  if (!parsed.success) throw new Error(`${values.spec}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  const spec = parsed.data;
  const fake = await startFakeGitHub({
    ...(spec.owner ? { owner: spec.owner } : {}),
    ...(spec.repo ? { repo: spec.repo } : {}),
    ...(spec.tokens ? { tokens: spec.tokens } : {}),
    ...(spec.rateLimit ? { rateLimit: spec.rateLimit } : {}),
  });
  for (const [name, sha] of Object.entries(spec.branches)) fake.setBranch(name, sha);
  for (const [name, sha] of Object.entries(spec.tags)) fake.setTag(name, sha);
  const releases = spec.releases.map(({ assets, ...release }) => {
    const handle = fake.addRelease(release);
    return {
      id: handle.id,
      tag_name: handle.tag_name,
      assets: assets.map((asset) => ({ id: handle.addAsset(asset).id, name: asset.name })),
    };
  });
  const stop = (): void => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url: fake.url, storageUrl: fake.storageUrl, releases })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake GitHub: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
