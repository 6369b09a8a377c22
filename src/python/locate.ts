// Which Python to use, and whether it can do the job: --python, $VECPROF_PYTHON, an active
// virtualenv or conda env, then python3 and python on PATH.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError, UsageError, VecprofError } from '../errors.js';
import { helperPath } from '../paths.js';
import { runHelper, type HelperMessage } from './worker.js';
import { log } from '../log.js';

export const MIN_PYTHON: readonly [number, number] = [3, 9];

export type PythonSource = '--python' | 'VECPROF_PYTHON' | 'virtualenv' | 'conda' | 'PATH';

export interface PythonCandidate {
  command: string;
  source: PythonSource;
}

export interface PythonInfo {
  command: string;
  source: PythonSource;
  executable: string;
  version: string;
  implementation: string;
  numpy: string | null;
  prefix: string;
  /** The interpreter a virtualenv was made from (equal to prefix outside a venv). */
  basePrefix: string;
  scriptsDir: string;
  /** pip is importable (a venv made with --without-pip has none); null when the probe did not say. */
  pip: boolean | null;
  /** ensurepip can bootstrap pip; null when the probe did not say. */
  ensurepip: boolean | null;
  /**
   * PEP 668: a distribution's own Python (EXTERNALLY-MANAGED in its stdlib, not a venv), where `python -m pip
   * install` fails with externally-managed-environment; null when the probe did not say.
   */
  externallyManaged: boolean | null;
}

export interface LocateOptions {
  /** Value of --python, if given. */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

export function candidates({ python, env = process.env }: LocateOptions): PythonCandidate[] {
  if (python !== undefined) {
    // `--python "$PY"` with PY unset: refused rather than quietly using another interpreter.
    if (python.trim() === '') throw new UsageError('--python is empty', { hint: 'give it the path of a Python 3.9+ interpreter, or leave --python out' });
    return [{ command: python, source: '--python' }];
  }
  if (env.VECPROF_PYTHON) return [{ command: env.VECPROF_PYTHON, source: 'VECPROF_PYTHON' }];
  const found: PythonCandidate[] = [];
  if (env.VIRTUAL_ENV) found.push({ command: join(env.VIRTUAL_ENV, 'bin', 'python'), source: 'virtualenv' });
  if (env.CONDA_PREFIX) found.push({ command: join(env.CONDA_PREFIX, 'bin', 'python'), source: 'conda' });
  found.push({ command: 'python3', source: 'PATH' }, { command: 'python', source: 'PATH' });
  return found.filter((c) => c.source === 'PATH' || existsSync(c.command));
}

function versionAtLeast(version: string, min: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

const MIN = MIN_PYTHON.join('.');

/** What to do instead of the interpreter at hand, by where it came from: $VECPROF_PYTHON must be fixed or unset. */
function useAnother(source: PythonSource): string {
  if (source === 'VECPROF_PYTHON') return `fix or unset VECPROF_PYTHON, or pass --python PATH to a Python ${MIN}+`;
  if (source === '--python') return `pass --python PATH to a Python ${MIN}+ interpreter`;
  return `pass --python PATH to a Python ${MIN}+ interpreter (or set VECPROF_PYTHON)`;
}

async function probe(candidate: PythonCandidate): Promise<PythonInfo | 'missing'> {
  const cmd = candidate.command;
  const hint = `check it with \`${cmd} --version\`, then ${useAnother(candidate.source)}`;
  let messages: HelperMessage[];
  try {
    messages = (await runHelper({ python: cmd, script: helperPath('vecprof_probe.py'), timeoutMs: 30_000, label: 'the probe' })).messages;
  } catch (err) {
    if (err instanceof VecprofError && err.message.startsWith('Python interpreter not found')) return 'missing';
    if (err instanceof InterruptedError || !(err instanceof VecprofError)) throw err;
    // Not executable, a shell script that fails (status 127), a crash on start-up: one line, and what to pass instead.
    throw new VecprofError(`${cmd} is not a working Python ${MIN}+: ${err.message}`, { hint });
  }
  const hello = messages.find((m) => m.type === 'hello');
  const info = messages.find((m) => m.type === 'probe');
  if (!hello || !info) throw new VecprofError(`${cmd} ran but did not answer the probe (it is not a working Python ${MIN}+)`, { hint });
  return toInfo(candidate, hello, info);
}

function toInfo(candidate: PythonCandidate, hello: HelperMessage, info: HelperMessage): PythonInfo {
  return {
    command: candidate.command,
    source: candidate.source,
    executable: String(hello.executable),
    version: String(hello.python),
    implementation: String(hello.implementation),
    numpy: typeof hello.numpy === 'string' ? hello.numpy : null,
    prefix: String(info.prefix),
    basePrefix: String(info.base_prefix ?? info.prefix),
    scriptsDir: String(info.scripts_dir),
    pip: typeof info.pip === 'boolean' ? info.pip : null,
    ensurepip: typeof info.ensurepip === 'boolean' ? info.ensurepip : null,
    externallyManaged: typeof info.externally_managed === 'boolean' ? info.externally_managed : null,
  };
}

type InstallFacts = Pick<PythonInfo, 'executable' | 'prefix' | 'basePrefix' | 'pip' | 'ensurepip'> & Partial<Pick<PythonInfo, 'externallyManaged' | 'version'>>;

/** Where the system's packages come from: Debian and Ubuntu (apt) are where PEP 668 bites most. */
export interface SystemFacts {
  apt: boolean;
}

export function systemFacts(): SystemFacts {
  return { apt: existsSync('/usr/bin/apt-get') || existsSync('/usr/bin/apt') };
}

/** Debian's package with ensurepip for this interpreter's version (python3.11-venv), python3-venv when unknown. */
function venvPackage(info: InstallFacts): string {
  const minor = /^(\d+\.\d+)/.exec(info.version ?? '')?.[1];
  return minor ? `python${minor}-venv` : 'python3-venv';
}

/** A venv of the interpreter at hand, with `packages` in it (on Debian, venv needs python3-venv for its pip). */
function venvRoute(info: InstallFacts, packages: string, system: SystemFacts): string {
  const needsVenvPackage = info.ensurepip === false && system.apt ? `sudo apt install ${venvPackage(info)} && ` : '';
  return `${needsVenvPackage}${info.executable} -m venv .venv && .venv/bin/python -m pip install ${packages}, then pass --python .venv/bin/python`;
}

/**
 * The command that installs NumPy for this interpreter. `python -m pip install numpy` fails with "No module named
 * pip" in a venv made with --without-pip: then pip is bootstrapped first with ensurepip. On a distribution's own
 * Python (PEP 668) pip refuses outright: the distribution's package, or a venv.
 */
export function numpyInstallCommand(info: InstallFacts, system: SystemFacts = systemFacts()): string {
  const py = info.executable;
  if (info.externallyManaged === true) {
    const ownPackage = system.apt ? 'sudo apt install python3-numpy' : `install NumPy with the package manager that owns ${py}`;
    return `${ownPackage}, or make a venv: ${venvRoute(info, 'numpy', system)}`;
  }
  if (info.pip !== false) return `${py} -m pip install numpy`;
  if (info.ensurepip !== false) return `${py} -m ensurepip --upgrade && ${py} -m pip install numpy`;
  if (info.prefix !== info.basePrefix) {
    // A venv reads the standard library of the Python it was made from: without ensurepip there, a venv made again
    // from that Python has no pip either. Giving that Python its ensurepip lets this venv bootstrap pip and keep its
    // packages; never `venv --clear`, which would empty it.
    const base = `${info.basePrefix}/bin/python3`;
    if (system.apt) {
      return `sudo apt install ${venvPackage(info)} && ${py} -m ensurepip --upgrade && ${py} -m pip install numpy (${venvPackage(info)} brings the ensurepip this venv lacks; the venv keeps its packages)`;
    }
    return (
      `install the package that gives ${base} its ensurepip module (this venv, and any venv made again from ${base}, has no pip without it), ` +
      `then ${py} -m ensurepip --upgrade && ${py} -m pip install numpy; or make a new venv at another path from a Python ${MIN}+ that has pip ` +
      `and pass --python NEW/bin/python (this venv's packages are not in it)`
    );
  }
  return `install pip for ${py} (e.g. apt-get install python3-pip, or python3-numpy directly), then ${py} -m pip install numpy`;
}

/**
 * The NumPy fix when no interpreter was found: Python comes first, and NumPy from where pip is allowed (a
 * distribution's own Python refuses `pip install`, PEP 668).
 */
export function numpyInstallWithoutPython(system: SystemFacts = systemFacts()): string {
  if (system.apt) {
    return `install Python ${MIN}+ first, with NumPy from the same place: sudo apt install python3 python3-numpy (pip will not install into the system Python, PEP 668; for a venv add python3-venv)`;
  }
  return (
    `install Python ${MIN}+ first (your package manager, python.org, pyenv or conda), then NumPy for it: in a venv, ` +
    'python3 -m venv .venv && .venv/bin/python -m pip install numpy, then pass --python .venv/bin/python; ' +
    "for a distribution's own Python, its python3-numpy package (pip refuses there, PEP 668)"
  );
}

/** The command that installs py-spy for this interpreter (or for no interpreter found: python3's pip). */
export function pySpyInstallCommand(info: InstallFacts | null, system: SystemFacts = systemFacts()): string {
  if (info === null) return 'python3 -m pip install py-spy';
  const py = info.executable;
  if (info.externallyManaged === true) {
    // pipx puts py-spy on PATH (~/.local/bin) in an environment of its own; vecprof finds it there.
    return `pipx install py-spy${system.apt ? ' (sudo apt install pipx first if you lack it)' : ''}, or make a venv: ${venvRoute(info, 'numpy py-spy', system)}`;
  }
  if (info.pip === false) return `${py} -m ensurepip --upgrade && ${py} -m pip install py-spy`;
  return `${py} -m pip install py-spy`;
}

/** Why the NumPy fix is what it is, for `vecprof doctor`'s "found" column. */
export function numpyMissingNote(info: InstallFacts): string {
  if (info.externallyManaged === true) return 'not installed (this Python is managed by the system: pip will not install into it, PEP 668)';
  return `not installed${info.pip === false ? ' (and this interpreter has no pip)' : ''}`;
}

/** Finds a working interpreter, or explains in one line why there is none. */
export async function locatePython(opts: LocateOptions & { requireNumpy?: boolean } = {}): Promise<PythonInfo> {
  const tried: string[] = [];
  for (const candidate of candidates(opts)) {
    const found = await probe(candidate);
    if (found === 'missing') {
      tried.push(candidate.command);
      continue;
    }
    if (!versionAtLeast(found.version, MIN_PYTHON)) {
      throw new VecprofError(`Python ${found.version} at ${found.executable} is too old; vecprof needs ${MIN} or newer`, {
        hint:
          found.source === 'VECPROF_PYTHON'
            ? 'point VECPROF_PYTHON at a newer interpreter or unset it (or pass --python PATH)'
            : 'pass --python PATH to a newer interpreter (or set VECPROF_PYTHON)',
      });
    }
    if (opts.requireNumpy !== false && found.numpy === null) {
      throw new VecprofError(`NumPy is not installed for ${found.executable}`, {
        hint: `run: ${numpyInstallCommand(found)}`,
      });
    }
    log.debug({ python: found.executable, version: found.version, numpy: found.numpy, source: found.source }, 'using Python');
    return found;
  }
  if (opts.python !== undefined) {
    throw new VecprofError(`Python interpreter not found: ${opts.python}`, { hint: `check the path, or pass --python PATH to a Python ${MIN}+ interpreter` });
  }
  const fromEnv = (opts.env ?? process.env).VECPROF_PYTHON;
  if (fromEnv) {
    throw new VecprofError(`Python interpreter not found: ${fromEnv} (from VECPROF_PYTHON)`, { hint: useAnother('VECPROF_PYTHON') });
  }
  throw new VecprofError(`no Python interpreter found (tried ${tried.join(', ')})`, {
    hint: `install Python ${MIN}+ with NumPy (e.g. apt-get install python3 python3-numpy) or pass --python PATH`,
  });
}
