// Which Python to use, and whether it can do the job: --python, $VECPROF_PYTHON, an active
// virtualenv or conda env, then python3 and python on PATH.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VecprofError } from '../errors.js';
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
}

export interface LocateOptions {
  /** Value of --python, if given. */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

export function candidates({ python, env = process.env }: LocateOptions): PythonCandidate[] {
  if (python) return [{ command: python, source: '--python' }];
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

async function probe(candidate: PythonCandidate): Promise<PythonInfo | 'missing'> {
  try {
    const result = await runHelper({
      python: candidate.command,
      script: helperPath('vecprof_probe.py'),
      timeoutMs: 30_000,
      label: `Python at ${candidate.command}`,
    });
    const hello = result.messages.find((m) => m.type === 'hello');
    const info = result.messages.find((m) => m.type === 'probe');
    if (!hello || !info) {
      throw new VecprofError(`${candidate.command} ran but did not answer the probe (it is not a working Python ${MIN_PYTHON.join('.')}+)`, {
        hint: `check it with \`${candidate.command} --version\`, then pass --python PATH to a Python ${MIN_PYTHON.join('.')}+ interpreter (or set VECPROF_PYTHON)`,
      });
    }
    return toInfo(candidate, hello, info);
  } catch (err) {
    if (err instanceof VecprofError && err.message.startsWith('Python interpreter not found')) return 'missing';
    throw err;
  }
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
  };
}

/**
 * The command that installs NumPy for this interpreter. `python -m pip install numpy` fails with "No module named
 * pip" in a venv made with --without-pip: then pip is bootstrapped first, or the venv made again with pip.
 */
export function numpyInstallCommand(info: Pick<PythonInfo, 'executable' | 'prefix' | 'basePrefix' | 'pip' | 'ensurepip'>): string {
  const py = info.executable;
  if (info.pip !== false) return `${py} -m pip install numpy`;
  if (info.ensurepip !== false) return `${py} -m ensurepip --upgrade && ${py} -m pip install numpy`;
  if (info.prefix !== info.basePrefix) {
    return `python3 -m venv --clear ${info.prefix} && ${py} -m pip install numpy (this venv has no pip and cannot bootstrap it: recreate it with pip)`;
  }
  return `install pip for ${py} (e.g. apt-get install python3-pip, or python3-numpy directly), then ${py} -m pip install numpy`;
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
      throw new VecprofError(`Python ${found.version} at ${found.executable} is too old; vecprof needs ${MIN_PYTHON.join('.')} or newer`, {
        hint: 'pass --python PATH to a newer interpreter (or set VECPROF_PYTHON)',
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
  const fromFlag = opts.python ?? (opts.env ?? process.env).VECPROF_PYTHON;
  throw new VecprofError(
    fromFlag ? `Python interpreter not found: ${fromFlag}` : `no Python interpreter found (tried ${tried.join(', ')})`,
    { hint: 'install Python 3.9+ with NumPy (e.g. apt-get install python3 python3-numpy) or pass --python PATH' },
  );
}
