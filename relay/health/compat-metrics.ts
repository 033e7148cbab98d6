import { Gauge, type Registry } from 'prom-client';
import type { TierSpec } from '../../shared/tiers';
import type { GcPercent } from './knob-config';
import { optionalGauge } from './optional-gauge';

const LEVEL_VALUE = { standard: 1, high: 2, maximum: 3 } as const;

export interface CompatSources {
  cpuCores(): number;
  /** Share of relayed blocks within the tier's target since start; null before the first block. */
  complianceRate(): number | null;
}

/**
 * The seed's metric names, kept so existing scrapers and dashboards keep working (README, "Metric
 * names"). New queries should use the base-unit names beside them: `bitcoin_sprint_tier_info`,
 * `bitcoin_sprint_memory_alloc_bytes`, and compliance from the latency histogram's buckets.
 *
 * `lintClean` goes on /metrics as well; `bitcoin_sprint_memory_alloc_mb` (an abbreviated unit that
 * `promtool check metrics` rejects) only on /metrics/compat, which carries all five.
 */
export function registerCompatMetrics(
  tier: TierSpec,
  gcPercent: GcPercent,
  sources: CompatSources,
  registries: { lintClean: Registry[]; compatOnly: Registry[] },
): void {
  const both = [...registries.lintClean, ...registries.compatOnly];
  new Gauge({
    name: 'bitcoin_sprint_optimization_level',
    help: 'Compatibility name: optimization level as a value (1 standard, 2 high, 3 maximum); see bitcoin_sprint_tier_info',
    labelNames: ['level', 'tier'],
    registers: both,
  }).set({ level: tier.level, tier: tier.name }, LEVEL_VALUE[tier.level]);
  new Gauge({
    name: 'bitcoin_sprint_gc_percent',
    help: 'Compatibility name: GC_PERCENT requested (-1 = off, 100 = runtime default); Node cannot apply it, see /health knobs',
    registers: both,
  }).set(gcPercent === 'off' ? -1 : (gcPercent ?? 100));
  new Gauge({
    name: 'bitcoin_sprint_cpu_cores',
    help: 'Compatibility name: CPU cores the relay may use',
    registers: both,
    collect() {
      this.set(sources.cpuCores());
    },
  });
  optionalGauge(
    'bitcoin_sprint_sla_compliance_rate',
    "Compatibility name: share of relayed blocks within the tier's target since start; prefer bucket ratios of bitcoin_sprint_relay_latency_seconds",
    both,
    () => sources.complianceRate(),
  );
  new Gauge({
    name: 'bitcoin_sprint_memory_alloc_mb',
    help: 'Compatibility name: V8 heap in use, MB; see bitcoin_sprint_memory_alloc_bytes',
    registers: registries.compatOnly,
    collect() {
      this.set(process.memoryUsage().heapUsed / 1048576);
    },
  });
}
