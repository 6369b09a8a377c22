"""memory mode: NumPy data buffers traced to the user's lines, the traced peak, growth, and the process's peak RSS.

    python vecprof_memory.py [--root DIR]... [--mechanism auto|numpy-handler|tracemalloc] (--script PATH | --module NAME) -- ARGS

numpy-handler (default when NumPy >= 1.22 is importable): a NumPy memory handler (PyDataMem_SetHandler, a stable C-API
entry since 1.22) is installed through ctypes. It wraps NumPy's own allocator, so every data buffer NumPy allocates or
frees passes through one Python call that records its size and the first user frame of the stack. Nothing else is
traced, so element loops (which allocate Python/NumPy scalars, never buffers) run at full speed, where tracemalloc
would trace every float. Python objects (lists, dicts, floats) are not traced: the peak RSS covers them.

tracemalloc (fallback, or on request): every allocation, up to 32 frames, attributed to the first user frame the same
way; a watcher thread takes a snapshot each time the traced total passes its last high by 2 % (or the end state if that
is higher), which gives the bytes per line at the peak. A peak shorter than the watcher's 5 ms look can be missed
there (the peak total itself is always exact).

Sends "memory" before the launcher's "exit", whatever way the program ended.
"""
import os
import resource
import sys
import threading

import vecprof_run
from vecprof_lines import Scope
from vecprof_rss import RssWatch
from vecprof_protocol import emit

NUMPY_DOMAIN = 389047
# Take a new "held at the peak" snapshot only when the peak has grown this much since the last one: bounds the cost
# of a slowly rising peak while keeping each line's bytes-at-peak within this fraction of the truth.
SNAPSHOT_STEP = 0.01
OUTSIDE = ("<outside your code>", 0)
# tracemalloc keeps this many frames, enough to reach the user's line through NumPy's Python wrappers.
TRACE_FRAMES = 32


class Ledger:
    """Live buffers, per-line totals, and the per-line picture at the traced peak."""

    def __init__(self, scope):
        self.scope = scope
        self.live = {}  # address -> (size, line key)
        self.current = 0
        self.peak = 0
        self.start = 0
        self.end = None
        self.held = {}  # line key -> bytes held now
        self.allocated = {}  # line key -> bytes allocated over the run
        self.count = {}  # line key -> allocations
        self.held_at_peak = {}
        self.snapshot_at = 0
        self.recording = False
        # Allocator calls under way: the real allocator runs without the GIL, so between the ledger's update and the
        # pages coming or going the resident size and the ledger disagree. The RSS watch skips such moments.
        self.in_flight = [0]
        self._user_code = {}

    def where(self, frame):
        user_code = self._user_code
        while frame is not None:
            code = frame.f_code
            mine = user_code.get(code)
            if mine is None:
                mine = user_code[code] = self.scope.is_user_file(code.co_filename)
            if mine:
                return (code.co_filename, frame.f_lineno)
            frame = frame.f_back
        return OUTSIDE

    def add(self, address, size, frame):
        if not self.recording:
            return
        key = self.where(frame)
        self.live[address] = (size, key)
        self.current += size
        self.held[key] = self.held.get(key, 0) + size
        self.allocated[key] = self.allocated.get(key, 0) + size
        self.count[key] = self.count.get(key, 0) + 1
        if self.current > self.peak:
            self.peak = self.current
            if self.current > self.snapshot_at * (1 + SNAPSHOT_STEP):
                self.held_at_peak = dict(self.held)
                self.snapshot_at = self.current

    def remove(self, address):
        entry = self.live.pop(address, None)
        if entry is None:
            return
        size, key = entry
        self.current -= size
        self.held[key] -= size

    def lines(self, numpy_bytes):
        keys = set(self.allocated) | set(self.held_at_peak)
        keys.discard(OUTSIDE)
        return [
            {
                "file": key[0],
                "line": key[1],
                "bytesAtPeak": self.held_at_peak.get(key, 0),
                "allocatedBytes": self.allocated.get(key, 0),
                "numpyBytes": self.allocated.get(key, 0) if numpy_bytes else 0,
                "allocations": self.count.get(key, 0),
            }
            for key in keys
        ]


# ---------------------------------------------------------------- NumPy's memory handler, through ctypes


def install_numpy_handler(ledger):
    """Wraps NumPy's current data allocator; returns a function that puts the old one back."""
    import ctypes

    import numpy

    major, minor = (int(p) for p in numpy.__version__.split(".")[:2])
    if (major, minor) < (1, 22):
        raise RuntimeError("NumPy %s has no memory-handler API (1.22+)" % numpy.__version__)
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as umath

    capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    capsule_pointer.restype = ctypes.c_void_p
    capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    capsule_new = ctypes.pythonapi.PyCapsule_New
    capsule_new.restype = ctypes.py_object
    capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]

    api = (ctypes.c_void_p * 306).from_address(capsule_pointer(umath._ARRAY_API, None))
    set_handler = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.py_object)(api[304])  # PyDataMem_SetHandler
    get_handler = ctypes.PYFUNCTYPE(ctypes.py_object)(api[305])  # PyDataMem_GetHandler

    # PYFUNCTYPE: calls into NumPy's allocator keep the GIL (its small-block cache relies on it).
    malloc_t = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
    calloc_t = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
    realloc_t = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
    free_t = ctypes.PYFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)

    class Handler(ctypes.Structure):
        _fields_ = [
            ("name", ctypes.c_char * 127),
            ("version", ctypes.c_uint8),
            ("ctx", ctypes.c_void_p),
            ("malloc", ctypes.c_void_p),
            ("calloc", ctypes.c_void_p),
            ("realloc", ctypes.c_void_p),
            ("free", ctypes.c_void_p),
        ]

    old_capsule = get_handler()
    old = Handler.from_address(capsule_pointer(old_capsule, b"mem_handler"))
    if old.version != 1:
        raise RuntimeError("NumPy's memory handler has version %d; vecprof knows version 1" % old.version)
    ctx = old.ctx
    real_malloc, real_calloc = malloc_t(old.malloc), calloc_t(old.calloc)
    real_realloc, real_free = realloc_t(old.realloc), free_t(old.free)
    getframe, add, remove, in_flight = sys._getframe, ledger.add, ledger.remove, ledger.in_flight

    # Everything the callbacks touch is bound here, not looked up in module globals: arrays freed while the
    # interpreter shuts down still come through them after the module's globals are gone.
    def on_malloc(_ctx, size, real=real_malloc, ctx=ctx, add=add, getframe=getframe):
        address = real(ctx, size)
        if address:
            add(address, size, getframe(1))
        return address

    def on_calloc(_ctx, nelem, elsize, real=real_calloc, ctx=ctx, add=add, getframe=getframe):
        address = real(ctx, nelem, elsize)
        if address:
            add(address, nelem * elsize, getframe(1))
        return address

    def on_realloc(_ctx, address, size, real=real_realloc, ctx=ctx, add=add, remove=remove, getframe=getframe,
                   in_flight=in_flight):
        in_flight[0] += 1
        moved = real(ctx, address, size)
        if moved:
            if address:
                remove(address)
            add(moved, size, getframe(1))
        in_flight[0] -= 1
        return moved

    def on_free(_ctx, address, size, real=real_free, ctx=ctx, remove=remove, in_flight=in_flight):
        in_flight[0] += 1
        if address:
            remove(address)
        real(ctx, address, size)
        in_flight[0] -= 1

    callbacks = (
        ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)(on_malloc),
        ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)(on_calloc),
        ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)(on_realloc),
        ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)(on_free),
    )
    ours = Handler()
    ours.name = b"vecprof_memory"
    ours.version = 1
    ours.ctx = None
    ours.malloc, ours.calloc, ours.realloc, ours.free = (ctypes.cast(c, ctypes.c_void_p).value for c in callbacks)
    capsule = capsule_new(ctypes.addressof(ours), b"mem_handler", None)
    # Arrays made with our handler call it until they die, possibly late in interpreter shutdown: the struct must
    # outlive everything, so it and the thunks are deliberately leaked (one reference that is never dropped).
    for keep in (ours, callbacks, capsule, old_capsule, real_malloc, real_calloc, real_realloc, real_free):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(keep))
    set_handler(capsule)

    def restore():
        set_handler(old_capsule)
        # From now on those arrays go straight to NumPy's own functions: no Python runs when they are freed, so
        # nothing depends on this module (or ctypes) still being alive at shutdown.
        ours.ctx, ours.malloc, ours.calloc, ours.realloc, ours.free = old.ctx, old.malloc, old.calloc, old.realloc, old.free

    return restore


# ---------------------------------------------------------------- tracemalloc, the fallback


class TracemallocWatch:
    """tracemalloc, and a watcher thread snapshotting near each new high."""

    def __init__(self, ledger, interval=0.005):
        self.ledger = ledger
        self.interval = interval
        self._stop = threading.Event()
        self._thread = None
        self.peak_snapshot = None
        self.snapshot_at = 0
        self.numpy_by_line = {}

    def start(self):
        import tracemalloc

        tracemalloc.start(TRACE_FRAMES)
        self._thread = threading.Thread(target=self._watch, name="vecprof-memory-watch", daemon=True)
        self._thread.start()

    def _watch(self):
        import tracemalloc

        while not self._stop.wait(self.interval):
            current, _peak = tracemalloc.get_traced_memory()
            if current > self.snapshot_at * (1 + 2 * SNAPSHOT_STEP):
                self.peak_snapshot = tracemalloc.take_snapshot()
                self.snapshot_at = current

    def stop(self):
        import tracemalloc

        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
        end = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        led = self.ledger
        led.peak, led.current = peak, current
        for domain, size, key in self._traces(end):
            led.allocated[key] = led.allocated.get(key, 0) + size
            led.count[key] = led.count.get(key, 0) + 1
            if domain == NUMPY_DOMAIN:
                self.numpy_by_line[key] = self.numpy_by_line.get(key, 0) + size
        # The watcher can miss a short-lived peak; the end state, if at least as high as its best, is the better view.
        at_peak = self.peak_snapshot if self.peak_snapshot is not None and self.snapshot_at > current else end
        for _domain, size, key in self._traces(at_peak):
            led.held_at_peak[key] = led.held_at_peak.get(key, 0) + size


    def _traces(self, snapshot):
        """(domain, size, line key) per trace; keys cached per traceback, which tracemalloc shares between traces."""
        keys = {}
        raw = getattr(snapshot.traces, "_traces", None)  # (domain, size, frames most recent first, …): no objects
        if raw is None:  # pragma: no cover (a future Python without the raw list)
            raw = [(t.domain, t.size, tuple((f.filename, f.lineno) for f in reversed(t.traceback))) for t in snapshot.traces]
        for trace in raw:
            domain, size, frames = trace[0], trace[1], trace[2]
            key = keys.get(frames)
            if key is None:
                key = keys[frames] = self._first_user_frame(frames)
            yield domain, size, key

    def _first_user_frame(self, frames):
        for filename, lineno in frames:
            if lineno and self.ledger.scope.is_user_file(filename):
                return (filename, lineno)
        return OUTSIDE


def report(ledger, mechanism, watch, rss):
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_rss = usage if sys.platform == "darwin" else usage * 1024  # bytes on macOS, KiB on Linux
    lines = ledger.lines(numpy_bytes=mechanism == "numpy-handler")
    if watch is not None:
        for entry in lines:
            entry["numpyBytes"] = watch.numpy_by_line.get((entry["file"], entry["line"]), 0)
    if rss is not None:
        by_key = {(e["file"], e["line"]): e for e in lines}
        for key, grown in rss.growth.items():
            if key == OUTSIDE:
                continue
            entry = by_key.get(key)
            if entry is None:
                entry = by_key[key] = {"file": key[0], "line": key[1], "bytesAtPeak": 0, "allocatedBytes": 0,
                                       "numpyBytes": 0, "allocations": 0}
                lines.append(entry)
            entry["rssGrowthBytes"] = grown
    lines.sort(key=lambda e: (-e["bytesAtPeak"], -e["allocatedBytes"], -e.get("rssGrowthBytes", 0)))
    extra = {}
    if rss is not None and rss.peak_line is not None and rss.peak_line != OUTSIDE:
        extra["peakRssLine"] = {"file": rss.peak_line[0], "line": rss.peak_line[1]}
    emit(
        "memory",
        mechanism=mechanism,
        peakTracedBytes=ledger.peak,
        startBytes=ledger.start,
        endBytes=ledger.current if ledger.end is None else ledger.end,
        peakRssBytes=peak_rss,
        outsideAtPeakBytes=ledger.held_at_peak.get(OUTSIDE, 0),
        lines=lines,
        **extra
    )


def main():
    own, target = vecprof_run.split_argv(sys.argv[1:])
    roots, mechanism = [], "auto"
    i = 0
    while i < len(own):
        flag, value = own[i], own[i + 1] if i + 1 < len(own) else None
        if value is None or flag not in ("--root", "--mechanism"):
            raise SystemExit("vecprof_memory: usage: [--root DIR]... [--mechanism auto|numpy-handler|tracemalloc] "
                             "(--script PATH | --module NAME) -- ARGS")
        if flag == "--root":
            roots.append(value)
        else:
            mechanism = value
        i += 2
    if not roots:
        roots = [os.getcwd()]
        if target.kind == "script":
            roots.append(os.path.dirname(os.path.abspath(target.name)))
    ledger = Ledger(Scope(roots, []))
    watch = None
    restore = None
    fallback_reason = None
    if mechanism in ("auto", "numpy-handler"):
        try:
            restore = install_numpy_handler(ledger)
            mechanism = "numpy-handler"
        except Exception as err:  # no NumPy, too old, or an unexpected ABI: fall back, and say why
            fallback_reason = "%s: %s" % (type(err).__name__, err)
            if mechanism == "numpy-handler":
                raise SystemExit("vecprof_memory: cannot install the NumPy memory handler: " + fallback_reason)
            mechanism = "tracemalloc"
    # tracemalloc sees Python objects itself; the handler needs the resident-growth watch for them.
    rss = RssWatch(ledger) if mechanism == "numpy-handler" else None
    if mechanism == "tracemalloc":
        watch = TracemallocWatch(ledger)
        try:  # as with the handler, NumPy's own import is not the user's allocation (and is slow to trace)
            import numpy  # noqa: F401
        except ImportError:
            pass

    def start():
        if watch is not None:
            watch.start()
        else:
            ledger.start = ledger.current
            if rss is not None:
                rss.start()
            ledger.recording = True

    def stop():
        if watch is not None:
            watch.stop()
        else:
            if rss is not None:
                rss.stop()
            ledger.recording = False
            ledger.end = ledger.current
            if restore is not None:
                restore()

    vecprof_run.on_finish(lambda status: report(ledger, mechanism, watch, rss))
    hello_fields = {"mechanism": mechanism}
    if fallback_reason:
        hello_fields["fallback"] = fallback_reason
    vecprof_run.launch("memory", target, start=start, stop=stop, **hello_fields)


if __name__ == "__main__":
    main()
