// Which frames are the user's own code: the line a sample is blamed on is the deepest frame in a user file.
// Importers only see paths, so this is a guess from the path; runners that know the script pass a better one.
import { PYTHON_HELPERS_DIR } from '../../paths.js';
import { isNativeLocation } from '../split.js';

export type UserFilePredicate = (file: string) => boolean;

const LIBRARY_DIR = /[/\\](site-packages|dist-packages|lib[/\\]python\d+(\.\d+)?t?|Lib|lib-dynload)[/\\]/;

// py-spy's raw format shortens paths to the part below their sys.path entry ("numpy/_core/x.py", "typing.py"), so a
// relative path is judged by its first component. The list: the libraries a NumPy user's stack passes through, and the
// standard-library modules that show up in profiles (imports, runpy, threading, multiprocessing, concurrent).
const LIBRARY_TOP = new Set(
  (
    'numpy scipy pandas sklearn matplotlib numba numexpr torch jax tensorflow xarray dask polars pyarrow ' +
    'certifi setuptools pkg_resources _distutils_hack distutils packaging six urllib3 requests yaml attr google ' +
    'IPython ipykernel traitlets tornado zmq jupyter_client joblib threadpoolctl tqdm PIL h5py numcodecs ' +
    'importlib runpy threading multiprocessing concurrent asyncio selectors queue typing inspect functools ' +
    'collections contextlib abc enum re sre_compile sre_parse textwrap warnings os posixpath ntpath genericpath ' +
    'subprocess signal socket ssl json pickle copyreg copy dataclasses traceback linecache tokenize ast dis ' +
    'codecs encodings io locale logging argparse weakref string struct random math statistics tempfile shutil ' +
    'pathlib fnmatch glob zipfile tarfile gzip bz2 lzma hashlib base64 datetime time calendar heapq bisect ' +
    'operator itertools types site sysconfig unittest doctest pdb bdb cProfile profile pstats tracemalloc timeit'
  ).split(' '),
);

function isRelative(file: string): boolean {
  return !file.startsWith('/') && !/^[A-Za-z]:[/\\]/.test(file) && !file.startsWith('\\\\');
}

/** The default guess: Python source outside site-packages and the standard library, and not vecprof's own helpers. */
export function defaultUserFile(file: string): boolean {
  if (file === '' || file.startsWith('<') || isNativeLocation(file, 1)) return false;
  if (file.startsWith(PYTHON_HELPERS_DIR)) return false;
  if (isRelative(file)) {
    const parts = file.split(/[/\\]/);
    const top = (parts[0] ?? '').replace(/\.pyw?$/, '');
    if (parts.length === 1 && /^vecprof_\w+\.py$/.test(file)) return false;
    return !LIBRARY_TOP.has(top);
  }
  return !LIBRARY_DIR.test(file);
}
