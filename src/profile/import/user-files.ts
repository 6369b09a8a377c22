// Which frames are the user's own code: the line a sample is blamed on is the deepest frame in a user file.
// Importers only see paths, so this is a guess from the path; runners that know the script pass a better one.
import { sep } from 'node:path';
import { PYTHON_HELPERS_DIR } from '../../paths.js';
import { isNativeLocation } from '../split.js';

export type UserFilePredicate = (file: string) => boolean;

const LIBRARY_DIR = /[/\\](site-packages|dist-packages|lib[/\\]python\d+(\.\d+)?t?|Lib|lib-dynload)[/\\]/;

// py-spy's raw format shortens paths to the part below their sys.path entry ("numpy/_core/x.py", "hmac.py"), so a
// relative path is judged by its first component: the libraries a NumPy user's stack passes through, and the
// standard library (sys.stdlib_module_names of CPython 3.11, the private modules left out but for pure-Python ones).
const LIBRARY_TOP = new Set(
  (
    'numpy scipy pandas sklearn matplotlib numba numexpr torch jax tensorflow xarray dask polars pyarrow ' +
    'certifi setuptools pkg_resources _distutils_hack packaging six urllib3 requests yaml attr google ' +
    'IPython ipykernel traitlets tornado zmq jupyter_client joblib threadpoolctl tqdm PIL h5py numcodecs ' +
    '_aix_support _collections_abc _compat_pickle _markupbase _osx_support _pydecimal _pyio _sitebuiltins ' +
    '_strptime _threading_local _weakrefset abc aifc antigravity argparse array ast asynchat asyncio asyncore ' +
    'atexit audioop base64 bdb binascii bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code ' +
    'codecs codeop collections colorsys compileall concurrent configparser contextlib contextvars copy ' +
    'copyreg crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis distutils doctest email ' +
    'encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools ' +
    'gc genericpath getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib ' +
    'imaplib imghdr imp importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale ' +
    'logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing ' +
    'netrc nis nntplib nt ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb ' +
    'pickle pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd ' +
    'py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter ' +
    'runpy sched secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket ' +
    'socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep ' +
    'struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios ' +
    'textwrap this threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty ' +
    'turtle turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser ' +
    'winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo'
  ).split(' '),
);

function isRelative(file: string): boolean {
  return !file.startsWith('/') && !/^[A-Za-z]:[/\\]/.test(file) && !file.startsWith('\\\\');
}

/** The default guess: Python source outside site-packages and the standard library, and not vecprof's own helpers. */
export function defaultUserFile(file: string): boolean {
  if (file === '' || file.startsWith('<') || isNativeLocation(file, 1)) return false;
  if (file.startsWith(PYTHON_HELPERS_DIR + sep)) return false;
  if (isRelative(file)) {
    const parts = file.split(/[/\\]/);
    const top = (parts[0] ?? '').replace(/\.pyw?$/, '');
    if (parts.length === 1 && /^vecprof_\w+\.py$/.test(file)) return false;
    return !LIBRARY_TOP.has(top);
  }
  return !LIBRARY_DIR.test(file);
}
