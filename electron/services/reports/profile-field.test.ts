import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSummary } from '../../../shared/report';
import { exportReport } from './export';
import { MemorySource, TEST_MACHINE, generateHistory } from './test-support/generated-history';

const history = generateHistory(600);
const dir = mkdtempSync(path.join(os.tmpdir(), 'report-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exportWith = (format: 'json' | 'html', profile: string | null) =>
  exportReport(
    { ...history.range, tier: 'turbo', format },
    {
      source: new MemorySource(history),
      dir,
      launch: null,
      relayVersion: 'sprint-relay 0.1.0',
      machine: TEST_MACHINE,
      profile,
    },
  );

describe('the deployment profile in reports', () => {
  it('is recorded in the JSON summary and shown in the HTML', async () => {
    const json = await exportWith('json', 'production');
    const written = ReportSummary.parse(JSON.parse(readFileSync(json.path, 'utf8')).summary);
    expect(json.summary.profile).toBe('production');
    expect(written.profile).toBe('production');
    const html = await exportWith('html', 'eu <edge>');
    expect(readFileSync(html.path, 'utf8')).toContain('<td>eu &lt;edge&gt;</td>');
    expect((await exportWith('json', null)).summary.profile).toBeNull();
  });
});
