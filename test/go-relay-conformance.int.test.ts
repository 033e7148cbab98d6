import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  binaryCommand,
  bundledScript,
  findPromtool,
  formatTable,
  runConformance,
} from '../electron/services/conformance';
import { goRelayBinary, SKIP_WITHOUT_GO } from './support/go-relay';

// The Go relay (relay/go) through the same conformance check as any binary: every clause, the Go
// runtime read-back included (it reports runtime.name "go"). SPRINT_GO_RELAY_BINARY checks another build.
const distRelay = path.resolve(import.meta.dirname, '../dist/relay');

describe.skipIf(SKIP_WITHOUT_GO)('conformance of the Go relay', () => {
  it('passes every clause, the Go runtime read-back applying', async () => {
    const binary = goRelayBinary();
    const report = await runConformance({
      relay: binaryCommand(binary),
      label: binary,
      peer: bundledScript(distRelay, 'demo-peer.mjs'),
      promtool: findPromtool(),
    });
    expect(
      report.results.filter((r) => r.status === 'fail'),
      formatTable(report),
    ).toEqual([]);
    expect(report.runtime).toBe('go');
    expect(report.results.find((r) => r.clause === 'go-runtime-readback')?.status).toBe('pass');
  }, 120_000);
});
