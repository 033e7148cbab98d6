import os from 'node:os';
import type { MachineInfo } from '../../../shared/report';

/** The machine a report's figures were measured on: latency means little without it. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  // os.version() names the product where the OS offers one ("Windows 10 Pro"); release is the kernel.
  const version = os.version();
  return {
    os: `${os.type()} ${os.release()}${version && !version.includes(os.release()) ? ` (${version})` : ''}`,
    platform: os.platform(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    // cpus() can be empty in some containers; availableParallelism() still answers.
    cpuCount: cpus.length || os.availableParallelism(),
    memoryBytes: os.totalmem(),
  };
}
