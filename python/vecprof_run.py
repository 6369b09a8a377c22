"""The launcher: runs the user's program the way `python script.py ARGS` or `python -m module ARGS` would.

Every profiling helper (cpu, lines, memory) imports it; sample mode runs it directly under py-spy.

Standalone:
    python vecprof_run.py (--script PATH | --module NAME) -- [PROGRAM ARGS...]
  runs the program with no profiler and reports how it ended on the channel (fd 3).

As a library:
    import vecprof_run
    own_args, target = vecprof_run.split_argv(sys.argv[1:])
        # own_args: the helper's options (everything before --script/--module)
        # target:   Target(kind "script"|"module", name, args)
    vecprof_run.on_finish(callback)
        # callback(status) runs once, in the original process, when the program has ended for any reason:
        # normal end, sys.exit, an uncaught exception, Ctrl-C or SIGTERM (the timeout). Write profiles here.
    vecprof_run.launch("helper-name", target, start=profiler_on, stop=profiler_off)
        # hello -> start() -> user code -> stop() -> finish callbacks -> emit("exit", status=...) -> process exit
        # start()/stop() bracket exactly the user's code, so the launcher's own frames stay out of the profile.

What the program sees: sys.argv = [script or module origin, *args] (for -m, ["-m", *args] while its parent packages
are imported, as Python shows); sys.path[0] = the script's directory (symlinks resolved) or, for -m, the working
directory; for -m, the module is looked up (its parent packages imported) after start(), as part of the program; a fresh `__main__` module in sys.modules (so pickling of its functions
by multiprocessing works); its own stdin/stdout/stderr and cwd. How it ends, as Python would: SystemExit(None) -> 0,
SystemExit(int) -> int, SystemExit(other) -> printed, 1; an uncaught exception -> traceback through sys.excepthook, 1;
KeyboardInterrupt -> traceback, 130; SIGTERM -> no traceback, 143 (converted into an exception so finish callbacks run).

Messages on the channel:
  hello   helper, python, implementation, executable, pid, target -- first. Sent without importing NumPy: the launcher
          never imports it before the program does (so the program's environment settings apply, and the import
          shows in its profile).
  error   message, hint -- the program cannot be started (file missing; module or a parent package not found, where
          Python's -m prints one line and no traceback); status 1 (2 for a missing file, as Python does), reason
          "cannot-start". An ImportError a package's __init__ raises (a missing dependency) is the program's own
          failure: traceback, status 1, reason "exception".
  exit    status, reason ("returned" | "exit" | "exception" | "interrupt" | "terminated" | "cannot-start"),
          rss_start, rss_end, peak_rss, peak_rss_children (bytes or null), cpu_seconds (user + system of this
          process, or null) -- last, after the finish callbacks.
A forked child that ends through the launcher exits with its status and reports nothing.
"""
import io
import os
import signal
import sys
import types

from vecprof_protocol import emit

_THIS_DIR = os.path.dirname(os.path.abspath(__file__))
_finish_callbacks = []
_original_pid = os.getpid()


class Target:
    def __init__(self, kind, name, args):
        self.kind = kind  # "script" or "module"
        self.name = name
        self.args = list(args)

    def describe(self):
        return [self.name] + self.args if self.kind == "script" else ["-m", self.name] + self.args


class Terminated(BaseException):
    """SIGTERM turned into an exception; BaseException so a user's `except Exception` cannot swallow it."""


class _CannotStart(Exception):
    def __init__(self, message, hint, status):
        Exception.__init__(self, message)
        self.hint = hint
        self.status = status


def split_argv(argv):
    """Splits a helper's argv into its own options and the target (see the module docstring)."""
    for i, word in enumerate(argv):
        if word in ("--script", "--module"):
            if i + 1 >= len(argv):
                raise SystemExit("vecprof_run: %s needs a value" % word)
            rest = argv[i + 2:]
            if rest and rest[0] == "--":
                rest = rest[1:]
            return argv[:i], Target(word[2:], argv[i + 1], rest)
    raise SystemExit("vecprof_run: expected --script PATH or --module NAME")


def on_finish(callback):
    _finish_callbacks.append(callback)


def _on_sigterm(signum, frame):
    raise Terminated()


def _hide_channel_from_children():
    # The channel must not leak into programs the user's code execs; forked children still hold it until they exit.
    fd = int(os.environ.get("VECPROF_CHANNEL_FD", "3"))
    try:
        os.set_inheritable(fd, False)
    except OSError:
        pass


def _restore_user_output():
    # Under a wrapper (py-spy) fds 1 and 2 are the wrapper's captured pipes; the user's real stdout and stderr wait at
    # $VECPROF_STDOUT_FD and $VECPROF_STDERR_FD.
    for name, target, stream in (("VECPROF_STDOUT_FD", 1, sys.stdout), ("VECPROF_STDERR_FD", 2, sys.stderr)):
        fd = os.environ.pop(name, None)
        if fd is None:
            continue
        try:
            stream.flush()
            os.dup2(int(fd), target)
            os.close(int(fd))
        except (OSError, ValueError):
            pass


def _fresh_main(attrs):
    main = types.ModuleType("__main__")
    main.__dict__.update(attrs)
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    return main


def _prepare_script(target):
    path = target.name
    if os.path.isdir(path) or (os.path.isfile(path) and _is_zip(path)):
        return _prepare_runpy_path(target)
    try:
        with io.open_code(path) as f:
            source = f.read()
    except OSError as err:
        raise _CannotStart(
            "can't open file %r: [Errno %s] %s" % (os.path.abspath(path), err.errno, err.strerror),
            "check the script path (it is resolved against the working directory)",
            2,
        )
    sys.argv[:] = [path] + target.args
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    filename = os.path.abspath(path)  # Python 3.9+ gives __main__ an absolute __file__
    code = compile(source, filename, "exec", dont_inherit=True)  # a SyntaxError surfaces like Python's own
    main = _fresh_main({"__name__": "__main__", "__file__": filename, "__package__": None, "__cached__": None,
                        "__spec__": None, "__loader__": None, "__doc__": None})
    return lambda: exec(code, main.__dict__)


def _is_zip(path):
    import zipfile

    return zipfile.is_zipfile(path)


def _prepare_runpy_path(target):
    import runpy

    sys.argv[:] = [target.name] + target.args
    sys.path[0] = os.path.realpath(target.name)
    return lambda: runpy.run_path(target.name, run_name="__main__")


class _NoModule(Exception):
    """What runpy reports without a traceback (its own _Error): the module or a parent package is not there."""


def _prepare_module(target):
    import runpy  # here, so its import is not the program's

    sys.path[0] = os.getcwd()
    sys.argv[:] = ["-m"] + target.args  # what `python -m` shows while it imports the parent packages
    # Looking the module up imports its parent packages: their __init__ is the program's own work, so it runs once the
    # profilers are on (the launcher's entry frame, this lambda, is above it in every sample), as the module itself does.
    return lambda: _run_module(runpy, target)


def _run_module(runpy, target):
    try:
        # The same private helper `python -m cProfile -m` and pdb use; public run_module would put runpy's frames
        # around the user's code in every profile. Given our error class, it raises that only where Python's -m would
        # print one line (no such module or parent package); anything a package's __init__ raises, a missing
        # dependency included, comes through as itself: a program failure with its traceback.
        mod_name, spec, code = runpy._get_module_details(target.name, _NoModule)
    except _NoModule as err:
        raise _CannotStart(str(err), "check the module name and that its package is importable from here", 1)
    sys.argv[:] = [spec.origin or target.name] + target.args
    main = _fresh_main({"__name__": "__main__", "__file__": spec.origin, "__package__": spec.parent,
                        "__cached__": spec.cached, "__spec__": spec, "__loader__": spec.loader, "__doc__": None})
    exec(code, main.__dict__)


def _user_traceback(tb):
    """Drops the launcher's own frames so the traceback starts where Python's would."""
    while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _THIS_DIR:
        tb = tb.tb_next
    return tb


def _status_of_system_exit(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(str(code) + "\n")
    except Exception:
        pass
    return 1


def run(target, start=None, stop=None):
    """Runs the program; returns (status, reason). Never raises for anything the program does."""
    try:
        body = _prepare_script(target) if target.kind == "script" else _prepare_module(target)
    except _CannotStart as err:  # the parent turns this into its one-line error
        emit("error", message=str(err), hint=err.hint)
        return err.status, "cannot-start"
    except SyntaxError:
        _print_uncaught(*sys.exc_info())
        return 1, "exception"
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = False
    try:
        if start is not None:
            start()
        started = True
        body()
        status, reason = 0, "returned"
    except _CannotStart as err:  # -m: the module is looked up once the profilers are on
        emit("error", message=str(err), hint=err.hint)
        status, reason = err.status, "cannot-start"
    except SystemExit as exc:
        status, reason = _status_of_system_exit(exc), "exit"
    except Terminated:
        status, reason = 128 + signal.SIGTERM, "terminated"
    except KeyboardInterrupt:
        exc_type, exc, tb = sys.exc_info()
        _print_uncaught(exc_type, exc, tb)
        status, reason = 130, "interrupt"
    except BaseException:
        exc_type, exc, tb = sys.exc_info()
        _print_uncaught(exc_type, exc, tb)
        status, reason = 1, "exception"
    finally:
        if started and stop is not None and os.getpid() == _original_pid:
            stop()
    # A second SIGTERM while the profile is being written would lose it; the parent escalates to SIGKILL if needed.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return status, reason


def _print_uncaught(exc_type, exc, tb):
    tb = _user_traceback(tb)
    try:
        exc.__traceback__ = tb  # the default hook prints exc.__traceback__, not the tb argument
        sys.excepthook(exc_type, exc, tb)
    except BaseException:
        pass


def finish(status, reason):
    """Runs the finish callbacks (original process only), reports the status, and exits with it."""
    if os.getpid() != _original_pid:  # a forked child that returned into the launcher: not ours to report
        sys.exit(status)
    for callback in _finish_callbacks:
        try:
            callback(status)
        except BaseException as err:  # one failing writer must not stop the others or the exit report
            emit("error", message="writing the profile failed: %s: %s" % (type(err).__name__, err),
                 hint="run with --log-level debug for details")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    emit("exit", status=status, reason=reason, **_memory_report())
    sys.exit(status)


def _rss_now():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _memory_report():
    """Peak and current RSS in bytes, so the parent can judge whether a memory pass is worth it."""
    report = {"rss_start": _rss_at_start, "rss_end": _rss_now(), "peak_rss": None, "peak_rss_children": None,
              "cpu_seconds": None}
    try:
        import resource

        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        own = resource.getrusage(resource.RUSAGE_SELF)
        report["peak_rss"] = own.ru_maxrss * scale
        report["cpu_seconds"] = own.ru_utime + own.ru_stime  # the program's CPU, in-process profilers included
        report["peak_rss_children"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    except (ImportError, OSError):
        pass
    return report


_rss_at_start = None


def launch(helper, target, start=None, stop=None, **hello_fields):
    global _rss_at_start
    _rss_at_start = _rss_now()
    _restore_user_output()
    _hide_channel_from_children()
    # Not vecprof_protocol.hello(): it imports NumPy to report its version, and the program must import NumPy itself
    # (after setting OMP_NUM_THREADS, say), and pay for that import in its own profile.
    emit(
        "hello",
        helper=helper,
        python=".".join(str(p) for p in sys.version_info[:3]),
        implementation=sys.implementation.name,
        executable=sys.executable,
        pid=os.getpid(),
        target=target.describe(),
        **hello_fields
    )
    status, reason = run(target, start, stop)
    finish(status, reason)


if __name__ == "__main__":
    _own, _target = split_argv(sys.argv[1:])
    launch("run", _target)
