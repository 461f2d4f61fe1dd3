import { describe, expect, it } from 'vitest';
import { parseSectionData, renderSectionData, sectionDataFromReport } from '../../src/posting/section-data.ts';
import { sampleReport } from '../report/sample-report.ts';

describe('section data', () => {
  it('round-trips through the comment', () => {
    const data = sectionDataFromReport(sampleReport());
    expect(parseSectionData(`### x\n${renderSectionData(data)}\ntext`)).toEqual(data);
  });

  it('cannot be closed or faked by values that contain comment syntax', () => {
    const data = { ...sectionDataFromReport(sampleReport()), tag: 'v1 --> <!-- smoke-test:end --> --!> & <x>' };
    const comment = renderSectionData(data);
    expect(comment.indexOf('-->')).toBe(comment.length - 3);
    expect(comment.lastIndexOf('<!--')).toBe(0);
    expect(parseSectionData(comment)?.tag).toBe(data.tag);
  });

  it('reads missing, broken or foreign data as null', () => {
    expect(parseSectionData('no data here')).toBeNull();
    expect(parseSectionData('<!-- smoke-test:data {"schema":1, -->')).toBeNull();
    expect(parseSectionData('<!-- smoke-test:data {"schema":2} -->')).toBeNull();
    expect(parseSectionData('<!-- smoke-test:data {"schema":1,"runId":"x"')).toBeNull();
  });
});
