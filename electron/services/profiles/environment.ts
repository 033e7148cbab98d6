import { parseEnvironmentOverrides, type EnvironmentOverrides } from '../../../shared/profile-env';

/**
 * The seed's knob variables as the panel's own process environment sets them. Read at each launch
 * (not cached) so what the Optimizations view shows and what the relay gets come from one reading.
 */
export function panelEnvironmentOverrides(env: NodeJS.ProcessEnv = process.env): EnvironmentOverrides {
  return parseEnvironmentOverrides(env);
}
