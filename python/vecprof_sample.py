"""sample mode: the launcher that py-spy starts, with a gate before the program's first line.

    python vecprof_sample.py [--gate] [--tracer PID] (--script PATH | --module NAME) -- [ARGS...]

Without options it is python/vecprof_run.py. With --gate it sends "sampler-wait" (pid, gate) once the program is
ready to run and waits, before the program's first line, until the parent sends SIGUSR1: the parent attaches a second,
native py-spy to this pid meanwhile, and that py-spy's first sample (it loads the interpreter's symbols while it holds
the process stopped, ~30 ms) lands here instead of in the program. Then "started" (held_seconds: how long the gate
held the program back, which is not the program's time) and the program runs.

At the end (before the launcher's "exit"): "schedstat" (oncpu_seconds, runqueue_seconds of the main thread, Linux), so
the parent can tell how long the program was stopped: wall - on CPU - waiting for a CPU, in a program that does not
sleep, is the time py-spy held it.

--tracer PID: under Yama ptrace_scope 1 only a process's ancestors may attach to it; PR_SET_PTRACER lets PID (vecprof)
and its descendants (the native py-spy) attach too, here and in the program's forked children.
"""
import os
import signal
import sys
import time

import vecprof_run
from vecprof_protocol import emit

# The parent releases the gate within seconds (when its sampler is ready, has failed, or its own limit passed); this
# limit only matters if the parent is gone.
GATE_LIMIT_SECONDS = 60.0
PR_SET_PTRACER = 0x59616D61


def _yama_scope():
    try:
        with open("/proc/sys/kernel/yama/ptrace_scope") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def _allow_tracer(pid):
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PTRACER, ctypes.c_ulong(pid), 0, 0, 0)
    except (OSError, AttributeError, ImportError):
        pass  # the native sampler then reports "permission denied" and the profile has no split


def _report_schedstat(status):
    try:
        with open("/proc/self/schedstat") as f:  # this thread, the one that ran the program
            oncpu, runqueue = (int(x) for x in f.read().split()[:2])
    except (OSError, ValueError):
        return
    emit("schedstat", oncpu_seconds=oncpu / 1e9, runqueue_seconds=runqueue / 1e9)


def _parse_own(own):
    gate, tracer = False, None
    i = 0
    while i < len(own):
        if own[i] == "--gate":
            gate = True
        elif own[i] == "--tracer" and i + 1 < len(own):
            tracer = int(own[i + 1])
            i += 1
        else:
            raise SystemExit("vecprof_sample: usage: [--gate] [--tracer PID] (--script PATH | --module NAME) -- ARGS")
        i += 1
    return gate, tracer


def main():
    own, target = vecprof_run.split_argv(sys.argv[1:])
    gate, tracer = _parse_own(own)
    can_wait = gate and hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigtimedwait")
    if can_wait:
        # Blocked before "hello", so a release that comes early waits as a pending signal instead of killing us.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})

    def wait_for_sampler():
        started = time.perf_counter()
        # Root passes Yama's check anyway; scopes 2 and 3 cannot be opened by the process itself.
        if tracer is not None and _yama_scope() == 1 and os.geteuid() != 0:
            _allow_tracer(tracer)
            os.register_at_fork(after_in_child=lambda: _allow_tracer(tracer))
        emit("sampler-wait", pid=os.getpid(), gate=can_wait)
        if can_wait:
            # Interrupted here (timeout, Ctrl-C), SIGUSR1 stays blocked: the program never runs, and a release that
            # is already on its way cannot end the launcher before it reports.
            signal.sigtimedwait({signal.SIGUSR1}, GATE_LIMIT_SECONDS)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
        emit("started", held_seconds=time.perf_counter() - started)

    vecprof_run.on_finish(_report_schedstat)
    vecprof_run.launch("sample", target, start=wait_for_sampler if gate else None)


if __name__ == "__main__":
    main()
