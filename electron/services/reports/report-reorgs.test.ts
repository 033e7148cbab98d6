import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlockRelayed } from '../../../shared/metrics';
import { ReportSummary, type ReportRequest } from '../../../shared/report';
import { exportReport } from './export';
import { MemorySource, TEST_MACHINE, generateHistory } from './test-support/generated-history';

// 3,000 s of samples: turbo for the first 1,800 s, pro after. Blocks every 150 s from +60 s.
const base = generateHistory(30_000);
const { range, switchAt } = base;

/**
 * Heights as the probe records them through reorgs: turbo sees 100..102, then the new branch from
 * 101 (a 2-block reorg), then 103 twice (a 1-block reorg); pro sees one 3-block reorg.
 */
const TURBO_HEIGHTS = [100, 101, 102, 101, 102, 103, 103, 104];
const PRO_HEIGHTS = [105, 106, 107, 105, 106, 107];

function blocksAt(heights: readonly number[], from: number, branch: string): BlockRelayed[] {
  return heights.map((height, i) => {
    const receivedAt = from + 60_000 + i * 150_000;
    return {
      height,
      hash: `${branch}${i}`.padEnd(64, '0'),
      receivedAt,
      relayedAt: receivedAt + 1,
      addedMs: 1,
      endToEndMs: 2,
      deliveredAt: receivedAt + 2,
    };
  });
}

const history = {
  ...base,
  blocks: [...blocksAt(TURBO_HEIGHTS, range.from, 'a'), ...blocksAt(PRO_HEIGHTS, switchAt, 'b')],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'report-reorgs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (format: ReportRequest['format'], tier: ReportRequest['tier']) =>
  exportReport(
    { ...range, tier, format },
    {
      source: new MemorySource(history),
      dir,
      launch: null,
      relayVersion: 'sprint-relay 0.1.0',
      machine: TEST_MACHINE,
      now: () => range.to + 1000,
      pageSize: 500,
    },
  );

/** The report's visible text, tags dropped, whitespace collapsed. */
const textOf = (html: string): string =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('reorg count in reports', () => {
  it('the HTML says "2 reorgs" for the tier that saw two, and "1 reorg" for the one that saw one', async () => {
    const turbo = readFileSync((await run('html', 'turbo')).path, 'utf8');
    expect(textOf(turbo)).toContain('8 blocks relayed under this tier; 2 reorgs.');
    expect(turbo).toContain('data-figure="reorgs" data-value="2"');
    const pro = readFileSync((await run('html', 'pro')).path, 'utf8');
    expect(textOf(pro)).toContain('6 blocks relayed under this tier; 1 reorg.');
  });

  it('the JSON summary counts the same reorgs and lists the blocks of both branches', async () => {
    const result = await run('json', 'turbo');
    const doc = JSON.parse(readFileSync(result.path, 'utf8')) as { summary: unknown };
    const summary = ReportSummary.parse(doc.summary);
    expect(summary.blocks.reorgs).toBe(2);
    expect(summary.blocks.list.map((b) => b.height)).toEqual(TURBO_HEIGHTS);
    expect(result.summary.blocks.reorgs).toBe(2);
  });

  it('a period without a reorg says 0 reorgs', async () => {
    const plain = { ...base, blocks: blocksAt([1, 2, 3], range.from, 'c') };
    const result = await exportReport(
      { ...range, tier: 'turbo', format: 'html' },
      {
        source: new MemorySource(plain),
        dir,
        launch: null,
        relayVersion: 'sprint-relay 0.1.0',
        machine: TEST_MACHINE,
        now: () => range.to + 1000,
        pageSize: 500,
      },
    );
    expect(textOf(readFileSync(result.path, 'utf8'))).toContain(
      '3 blocks relayed under this tier; 0 reorgs.',
    );
  });
});
