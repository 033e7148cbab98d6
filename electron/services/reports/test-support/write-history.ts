import { HistoryStore } from '../../history/history-store';
import type { RawSample as WireSample } from '../../history/types';
import { Aggregator } from '../../metrics/aggregator';
import { TIERS, type TierName } from '../../../../shared/tiers';
import type { GeneratedHistory } from './generated-history';

/**
 * Writes a generated history into a real SQLite file through the history store's own writer, fed
 * as the measurement service feeds it: probe batches of 25 samples, each second closed by the live
 * aggregator, blocks and events as they happen. Returns the open store (the caller closes it).
 */
export function writeHistory(file: string, history: GeneratedHistory, timeoutMs = 1000): HistoryStore {
  const store = HistoryStore.open({
    file,
    retention: { rawDays: 7, aggregateDays: 90 },
    now: () => history.range.to,
    flushIntervalMs: 60_000,
  });
  const aggregators = new Map<TierName, Aggregator>();
  for (let i = 0; i < history.samples.length; i += 25) {
    const batch = history.samples.slice(i, i + 25);
    const tier = batch[0]?.tier as TierName;
    const spec = TIERS[tier];
    let agg = aggregators.get(tier);
    if (!agg) {
      agg = new Aggregator({
        tier,
        targetMs: spec.targetMs,
        objective: spec.objective,
        timeoutMs,
        closeLagMs: 0,
      });
      aggregators.set(tier, agg);
    }
    const wire: WireSample[] = batch.map((s) => [
      s.t,
      s.latencyMs,
      s.ok,
      s.lateMs ?? undefined,
      s.ownMs ?? undefined,
    ]);
    agg.record(wire);
    store.addSamples(tier, wire);
    for (const second of agg.tick((batch.at(-1)?.t ?? 0) + 2000).closed) store.addSecond(second);
  }
  for (const b of history.blocks) store.addBlock(b);
  for (const e of history.events) store.addEvent(e);
  store.flush();
  return store;
}
