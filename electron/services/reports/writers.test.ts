import { describe, expect, it } from 'vitest';
import {
  REPORT_FORMAT_TABLE,
  REPORT_FORMATS,
  ReportFormat,
  reportFormatOfFile,
} from '../../../shared/report';
import { reportFileName } from './export';
import { REPORT_WRITERS } from './writers';

/** The format table (shared/report.ts) and the writer registry name the same formats, once each. */
describe('the report format table and its writers', () => {
  it('has one writer per format and no writer without a row', () => {
    expect(Object.keys(REPORT_WRITERS).sort()).toEqual([...REPORT_FORMATS].sort());
    expect(new Set(REPORT_FORMATS).size).toBe(REPORT_FORMATS.length);
    expect(new Set(REPORT_FORMAT_TABLE.map((f) => f.extension)).size).toBe(REPORT_FORMAT_TABLE.length);
  });

  it.each(REPORT_FORMAT_TABLE.map((f) => [f.id, f] as const))(
    '%s: the file name ends with its extension and is recognised as it',
    (id, row) => {
      const name = reportFileName({ from: 0, to: 1000, tier: 'free', format: id });
      expect(name.endsWith(`.${row.extension}`)).toBe(true);
      expect(reportFormatOfFile(name)?.id).toBe(id);
      expect(row.mime).toMatch(/^[a-z]+\/[\w.+-]+(; charset=utf-8)?$/);
    },
  );

  it('refuses a format that is not a row, naming the choices', () => {
    const parsed = ReportFormat.safeParse('xlsx');
    expect(parsed.success).toBe(false);
    expect(reportFormatOfFile('sprint-report_free.xlsx')).toBeUndefined();
  });
});
