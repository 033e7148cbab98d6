import { z } from 'zod';
import { RelayStatus } from '../relay-status';
import { TierName } from '../tiers';

export const TierSwitch = z.object({
  from: TierName,
  to: TierName,
  /** Click to ready, ms; null when the relay was not running (the new tier applies at next start). */
  durationMs: z.number().nullable(),
  status: RelayStatus,
});
export type TierSwitch = z.infer<typeof TierSwitch>;
