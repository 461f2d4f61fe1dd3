import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTION_BEGIN as BEGIN, SECTION_END as END, findSections } from '../../src/posting/body-section.ts';
import { runCli } from '../support/cli-io.ts';
import { faultWorld, sectionData, setDraftBody, type FaultWorld } from './fault-world.ts';

let world: FaultWorld;
beforeAll(async () => {
  world = await faultWorld();
}, 120_000);
afterAll(async () => {
  await world?.close();
});

/** A whole section as a person would paste it from another draft to document the tool. */
const pasted = `${BEGIN}\r\n<!-- smoke-test:data {"schema":1,"runId":"pasted","state":"done","verdict":"pass","tag":"v9.9.9","commit":null,"assetDigests":{},"startedAt":"t","finishedAt":"t"} -->\r\n### Smoke test\r\n${END}`;

/** Release notes that document smoke itself: our markers in a fence, a tilde fence, inline and in prose. */
const NOTES = [
  '## ephemerd v0.0.1 🎉\r\n',
  'How the smoke test marks its part of this body:\r\n',
  `\`\`\`markdown\r\n${pasted}\r\n\`\`\`\r\n`,
  `~~~\r\n${BEGIN}\r\n${END}\r\n~~~\r\n`,
  `Inline: \`${BEGIN}\` … \`${END}\`, and in prose ${BEGIN} here ${END}.\r\n`,
  `<!-- a maintainer's comment quoting\r\n${pasted}\r\n-->\r\n`,
].join('\r\n');

const setBody = (body: string): Promise<void> => setDraftBody(world.sb, body);

const run = () =>
  runCli(['run', 'v0.0.1', '--config', world.sb.configPath, '--reports', `${world.dir}/reports`, '--platform', 'linux/amd64'], world.sb.env);

describe('release notes that quote our markers', () => {
  it('keep every byte through two runs: our section is appended after them, then replaced in place', async () => {
    const { sb } = world;
    await setBody(NOTES);
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const once = sb.fake.release(sb.releaseId).body ?? '';
    expect(once.startsWith(`${NOTES}\r\n`)).toBe(true);
    expect(findSections(once)).toHaveLength(1);
    const firstRun = sectionData(sb)?.runId;
    expect(sectionData(sb)).toMatchObject({ state: 'done', verdict: 'pass' });

    // A person adds a quoted pair below our section; the next run replaces only ours.
    const below = `\r\n\r\nAfter the section, quoted again:\r\n\r\n    ${BEGIN}\r\n    ${END}\r\n`;
    await setBody(`${once}${below}`);
    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    const twice = sb.fake.release(sb.releaseId).body ?? '';
    const [ours] = findSections(twice);
    expect(sectionData(sb)?.runId).not.toBe(firstRun);
    expect(twice.slice(0, ours!.start)).toBe(`${NOTES}\r\n`);
    expect(twice.slice(ours!.end)).toBe(below);
  }, 180_000);
});
