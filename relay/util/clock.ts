// The relay's figures use the clock every process shares (shared/clock.ts); kept here for its callers.
export { nowMs } from '../../shared/clock';
