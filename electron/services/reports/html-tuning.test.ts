import { describe, expect, it } from 'vitest';
import type { ReportSummary } from '../../../shared/report';
import { TuneResult } from '../../../shared/tuning';
import { syntheticTuneResult } from '../tuning/test-support/synthetic';
import { tuningSection } from './html-tuning';

describe('the report’s Tuning section', () => {
  it('prints the table, the design, the before/after with n and bounds, and the scope', async () => {
    const run = TuneResult.parse(await syntheticTuneResult());
    expect(run.recommendation.kind).toBe('apply');
    // Only the tuning field is read; the rest of a summary is irrelevant here.
    const html = tuningSection({ tuning: [run] } as unknown as ReportSummary);
    expect(html).toContain('<h2>Tuning</h2>');
    expect(html).toContain('2 candidates interleaved in 12 rounds of one block each (500 probes per block');
    expect(html).toContain('under contention (4 busy processes)');
    // What each block leaves out, and the warm-up shown apart per candidate.
    expect(html).toContain('the switch (1.5 s per block here) is excluded');
    expect(html).toContain(
      'the first 100 probes (0.5 s) of each block are warm-up, discarded and shown apart',
    );
    expect(html).toContain('<th>Warm-up (discarded)</th>');
    expect(html).toMatch(/data-tuning-figure="warmup">1,200 probes, \d+ over target, p99 [\d.]+ ms</);
    expect(html).toMatch(/Apply: real-time on\. p99\.9 [\d.]+ ms → [\d.]+ ms/);
    const beforeAfter = html.slice(html.indexOf('data-tuning-before-after'));
    expect(beforeAfter).toContain('Before: tier default');
    expect(beforeAfter).toContain('After: real-time on');
    expect(beforeAfter).toContain('6,000');
    expect(beforeAfter).toMatch(/\(≥ [\d.]+%\)/);
    expect(html).toContain('the result holds for this machine and this load only');
    expect(html).toContain('V8 heap / semi-space size (the launch plan has no setting for it yet)');
  });

  it('is absent when the period holds no tuning run, and escapes what it prints', async () => {
    expect(tuningSection({ tuning: [] } as unknown as ReportSummary)).toBe('');
    const run = await syntheticTuneResult();
    const hostile = { ...run, machine: { ...run.machine, hostname: '<script>x</script>' } };
    const html = tuningSection({ tuning: [hostile] } as unknown as ReportSummary);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
