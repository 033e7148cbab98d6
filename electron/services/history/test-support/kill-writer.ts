/**
 * Child process for the kill -9 durability test: writes probe-like samples (and their per-second
 * aggregates) through the real HistoryStore as fast as a busy panel would, and reports on stdout what
 * it has handed to the writer, so the parent can tell what a SIGKILL lost.
 *
 *   node kill-writer.mjs FILE RATE_HZ
 *   stdout: "ready <first t>" once open, then "<last t added> <wall ms when added>" after every batch.
 */
import { Aggregator } from '../../metrics/aggregator';
import { HistoryStore } from '../history-store';
import type { RawSample } from '../types';

const [file, rateArg] = process.argv.slice(2);
const rateHz = Number(rateArg ?? '1000');
if (!file) throw new Error('usage: kill-writer FILE RATE_HZ');

const store = HistoryStore.open({
  file,
  retention: { rawDays: 7, aggregateDays: 90 },
  flushIntervalMs: 1000,
});
const aggregator = new Aggregator({
  tier: 'turbo',
  targetMs: 5,
  objective: 0.999,
  timeoutMs: 1000,
  closeLagMs: 0,
});
const step = 1000 / rateHz;
let next = Math.ceil(Date.now() / step) * step;
process.stdout.write(`ready ${next}\n`);

setInterval(() => {
  const now = Date.now();
  const batch: RawSample[] = [];
  for (; next <= now; next += step) batch.push([next, 0.3 + (next % 7) / 10, true]);
  if (batch.length === 0) return;
  store.addSamples('turbo', batch);
  aggregator.record(batch);
  for (const s of aggregator.tick(now).closed) store.addSecond(s);
  process.stdout.write(`${batch[batch.length - 1]?.[0]} ${Date.now()}\n`);
}, 20);
