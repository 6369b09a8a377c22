// vecprof doctor: what vecprof found on this machine, and the command that fixes what is missing.
import type { Command } from 'commander';
import { locatePython, numpyInstallCommand, numpyInstallWithoutPython, numpyMissingNote, pySpyInstallCommand, type PythonInfo } from '../python/locate.js';
import { findPySpy, type ToolInfo } from '../python/tools.js';
import { readMachine, type MachineInfo } from '../env/machine.js';
import { UsageError, VecprofError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { renderDoctor } from '../render/doctor.js';
import { writeStdout } from '../render/output.js';
import { setExitCode, type GlobalOptions } from './context.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  found: string;
  /** What to run when it is missing or wrong. */
  fix?: string;
  /** Missing but vecprof still works without it (py-spy, governor). */
  optional: boolean;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  python: PythonInfo | null;
  pySpy: ToolInfo | null;
  machine: MachineInfo;
}

export async function runDoctor(opts: { python?: string }): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  let python: PythonInfo | null = null;
  try {
    python = await locatePython({ python: opts.python, requireNumpy: false });
    checks.push({ name: 'Python', ok: true, found: `${python.version} at ${python.executable} (from ${python.source}${python.externallyManaged ? '; managed by the system, PEP 668' : ''})`, optional: false });
    checks.push(
      python.numpy
        ? { name: 'NumPy', ok: true, found: python.numpy, optional: false }
        : { name: 'NumPy', ok: false, found: numpyMissingNote(python), fix: numpyInstallCommand(python), optional: false },
    );
  } catch (err) {
    // A usage error (--python "") is the user's to fix, not a finding: exit 2 like every verb.
    if (!(err instanceof VecprofError) || err instanceof UsageError) throw err;
    checks.push({ name: 'Python', ok: false, found: err.message, fix: err.hint ?? 'install Python 3.9+', optional: false });
    checks.push({ name: 'NumPy', ok: false, found: 'unknown (no Python)', fix: numpyInstallWithoutPython(), optional: false });
  }

  const pySpy = await findPySpy(python?.scriptsDir);
  checks.push(
    pySpy
      ? { name: 'py-spy', ok: true, found: `${pySpy.version} at ${pySpy.path}`, optional: true }
      : {
          name: 'py-spy',
          ok: false,
          found: 'not installed (needed for sampling and --pid)',
          fix: pySpyInstallCommand(python),
          optional: true,
        },
  );

  const machine = readMachine();
  checks.push({ name: 'CPU', ok: true, found: `${machine.cpuModel}, ${machine.logicalCpus} logical CPUs`, optional: true });
  const caches = machine.caches.map((c) => `L${c.level}${c.type === 'Data' ? 'd' : c.type === 'Instruction' ? 'i' : ''} ${formatKiB(c.sizeBytes)}`);
  checks.push({ name: 'caches', ok: caches.length > 0, found: caches.join(', ') || 'not readable from sysfs', optional: true });
  checks.push(
    machine.governor === null || machine.governor === 'performance'
      ? { name: 'CPU governor', ok: true, found: machine.governor ?? 'not exposed (typical in a VM)', optional: true }
      : {
          name: 'CPU governor',
          ok: false,
          found: `${machine.governor} (frequency scaling adds noise to timings)`,
          fix: 'sudo cpupower frequency-set -g performance',
          optional: true,
        },
  );
  if (machine.ptraceScope !== null) {
    checks.push(
      machine.ptraceScope <= 1
        ? { name: 'ptrace scope', ok: true, found: String(machine.ptraceScope), optional: true }
        : {
            name: 'ptrace scope',
            ok: false,
            found: `${machine.ptraceScope} (py-spy cannot attach to a running PID)`,
            fix: 'sudo sysctl kernel.yama.ptrace_scope=1',
            optional: true,
          },
    );
  }
  return { checks, python, pySpy, machine };
}

function formatKiB(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${bytes / 1024 ** 2} MiB` : `${bytes / 1024} KiB`;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show the Python, NumPy, py-spy and machine facts vecprof found, and how to fix what is missing')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const report = await runDoctor({ python: globals.python });
      writeStdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctor(report));
      setExitCode(report.checks.some((c) => !c.ok && !c.optional) ? EXIT_FAILURE : EXIT_OK);
    });
}
