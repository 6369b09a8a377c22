import { pc } from './colors.js';
import type { DoctorReport } from '../commands/doctor.js';

export function renderDoctor(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const mark = c.ok ? pc.green('ok  ') : c.optional ? pc.yellow('warn') : pc.red('MISS');
    const fix = !c.ok && c.fix ? `\n${' '.repeat(width + 8)}${pc.dim('fix:')} ${c.fix}` : '';
    return `${mark}  ${c.name.padEnd(width)}  ${c.found}${fix}`;
  });
  return `${lines.join('\n')}\n`;
}
