// What could make this run's numbers wrong, said plainly: frequency scaling, load, other busy processes, noisy cells.
import type { MachineInfo, NoiseSnapshot } from '../env/machine.js';
import type { BudgetRow } from './types.js';

export function noiseWarnings(machine: MachineInfo, start: NoiseSnapshot, end: NoiseSnapshot | null): string[] {
  const warnings: string[] = [];
  if (machine.governor && machine.governor !== 'performance') {
    warnings.push(`CPU governor is "${machine.governor}": frequency scaling moves timings; set it to "performance" for steadier numbers`);
  }
  const loadLimit = Math.max(0.5, machine.logicalCpus * 0.25);
  for (const [when, snap] of [['start', start], ['end', end]] as const) {
    if (!snap) continue;
    if (snap.loadAverage1m > loadLimit) {
      warnings.push(`load average ${snap.loadAverage1m.toFixed(2)} at ${when} on ${machine.logicalCpus} CPUs: other work competes for the CPU`);
    }
    for (const p of snap.busyProcesses.slice(0, 3)) {
      warnings.push(`busy process at ${when}: pid ${p.pid} (${p.command}) at ${p.cpuPercent} % CPU`);
    }
  }
  return warnings;
}

export function rowWarnings(rows: BudgetRow[]): string[] {
  return rows
    .filter((r) => r.flags.length > 0)
    .map((r) => `size 2^${r.exponent}: ${r.flags.join(', ')}; treat this row's ratio with care`);
}
