import os from 'node:os';
import type { Capabilities, LaunchTarget } from '../../../shared/launch';
import type { MachineIdentity } from '../../../shared/tuning';

export function machineIdentity(
  capabilities: Capabilities,
  relayTarget: LaunchTarget['kind'],
): MachineIdentity {
  return {
    hostname: os.hostname().slice(0, 256),
    platform: process.platform,
    kernel: os.release().slice(0, 256),
    cpuModel: (os.cpus()[0]?.model ?? 'unknown').trim().slice(0, 256),
    cpuCount: os.availableParallelism(),
    capabilities,
    relayTarget,
  };
}

/**
 * Why a stored run does not describe this machine, or null when it does. Compared: host, kernel, CPU
 * model and count, the relay that ran, and what the panel may grant (root today, not tomorrow).
 */
export function machineDifference(stored: MachineIdentity, here: MachineIdentity): string | null {
  const differences: string[] = [];
  if (stored.hostname !== here.hostname) differences.push(`host ${stored.hostname}, here ${here.hostname}`);
  if (stored.platform !== here.platform || stored.kernel !== here.kernel)
    differences.push(`kernel ${stored.platform} ${stored.kernel}, here ${here.platform} ${here.kernel}`);
  if (stored.cpuModel !== here.cpuModel || stored.cpuCount !== here.cpuCount)
    differences.push(`${stored.cpuCount} × ${stored.cpuModel}, here ${here.cpuCount} × ${here.cpuModel}`);
  if (stored.relayTarget !== here.relayTarget)
    differences.push(`relay ${stored.relayTarget}, here ${here.relayTarget}`);
  const grants = (c: Capabilities) =>
    JSON.stringify([c.cpus, c.canLowerNiceness, c.niceFloor, c.canRealtime, c.rtPriorityMax, c.baseNice]);
  if (grants(stored.capabilities) !== grants(here.capabilities))
    differences.push('what the panel may grant (priority, real-time, CPUs) differs');
  return differences.length === 0 ? null : `measured elsewhere: ${differences.join('; ')}`;
}
