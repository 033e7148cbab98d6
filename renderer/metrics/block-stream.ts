import type { ProbeStatus } from '../../shared/metrics';

/**
 * What the block chart says of its source, the probe's subscription to the relay's block stream:
 * `connecting` while a running probe is not on it (a block forwarded now is not seen), `unknown` with
 * no probe or a panel too old to say.
 */
export type BlockStreamState = 'connected' | 'connecting' | 'unknown';

export function blockStreamState(probe: ProbeStatus | undefined): BlockStreamState {
  if (!probe || probe.state === 'stopped' || probe.blockStream === undefined) return 'unknown';
  return probe.blockStream ? 'connected' : 'connecting';
}
