// Intl.NumberFormat is costly to build and charts format on every update: build each shape once.
const formatters = new Map<string, Intl.NumberFormat>();

/** `value` in en-US digits with between `minDigits` and `maxDigits` decimals: "1,240", "4.21". */
export function formatNumber(value: number, minDigits: number, maxDigits: number): string {
  const key = `${minDigits}:${maxDigits}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: minDigits,
      maximumFractionDigits: maxDigits,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(value);
}

/**
 * A latency axis tick, for the panel's charts and the report's: as few digits as tell the ticks
 * apart ("0", "0.005", "2.5", "10", "1,000").
 */
export function formatAxisMs(ms: number): string {
  return formatNumber(ms, 0, ms < 0.01 ? 4 : ms < 1 ? 3 : 1);
}
