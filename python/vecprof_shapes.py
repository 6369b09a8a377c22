"""Shapes seen: the sizes of the arrays a finding names, read when the program reaches the finding's line.

    python vecprof_shapes.py --watch WATCH_JSON (--script PATH | --module NAME) -- [ARGS...]

WATCH_JSON is a list of {"id", "file", "line", "names": ["x", "self.w", ...]}. A global trace function hands a
line tracer only to frames whose code object covers a watched line; once every watched line of a frame has been
seen, line tracing stops for that frame, so an element loop runs at full speed after its first iteration.
Sends "shape" (id, name, shape, itemsize, nbytes, dtype) per distinct shape and dtype of a name (at most 8), then the
launcher's "exit". A list or tuple of numbers is reported too, as its length with dtype "list" or "tuple" and no
bytes: a rewrite that converts it (x = np.asarray(x)) pays for the conversion.
"""
import json
import numbers
import sys

import vecprof_run
from vecprof_protocol import emit

MAX_SHAPES_PER_NAME = 8
# After this many sightings a watch retires; when all have, tracing is switched off for the rest of the run (a
# function called per element, as under np.vectorize, would otherwise pay a trace call each time).
MAX_SIGHTINGS = 16


def _code_lines(code):
    if hasattr(code, "co_lines"):
        return {line for _, _, line in code.co_lines() if line is not None}
    import dis

    return {line for _, line in dis.findlinestarts(code)}


def _lookup(frame, dotted):
    head, *rest = dotted.split(".")
    if head in frame.f_locals:
        value = frame.f_locals[head]
    elif head in frame.f_globals:
        value = frame.f_globals[head]
    else:
        return None
    for attr in rest:
        value = getattr(value, attr, None)
        if value is None:
            return None
    return value


class Watcher:
    def __init__(self, watches):
        self.by_file = {}
        for w in watches:
            self.by_file.setdefault(w["file"], []).append(w)
        self.code_watches = {}
        self.seen = {}
        self.sightings = {}
        self.active = len(watches)

    def watches_for(self, code):
        cached = self.code_watches.get(code)
        if cached is None:
            candidates = self.by_file.get(code.co_filename, ())
            lines = _code_lines(code) if candidates else set()
            cached = [w for w in candidates if w["line"] in lines]
            self.code_watches[code] = cached
        return cached

    def retire(self, watch):
        self.active -= 1
        self.by_file[watch["file"]] = [w for w in self.by_file.get(watch["file"], ()) if w is not watch]
        self.code_watches = {code: [w for w in ws if w is not watch] for code, ws in self.code_watches.items()}
        if self.active == 0:
            sys.settrace(None)

    def record(self, frame, watch):
        count = self.sightings.get(watch["id"], 0) + 1
        self.sightings[watch["id"]] = count
        if count == MAX_SIGHTINGS:
            self.retire(watch)
        for name in watch["names"]:
            value = _lookup(frame, name)
            if isinstance(value, (list, tuple)):
                # A sequence a rewrite converts (x = np.asarray(x)): the conversion is per-element Python work
                if not value or not isinstance(value[0], numbers.Number):
                    continue
                # a namedtuple's type name is its own ("Point"): what matters is that it is a tuple
                shape, itemsize, nbytes, dtype = (len(value),), 0, 0, "tuple" if isinstance(value, tuple) else "list"
            else:
                shape = getattr(value, "shape", None)
                itemsize = getattr(getattr(value, "dtype", None), "itemsize", None)
                if not isinstance(shape, tuple) or not shape or itemsize is None:
                    continue  # not an array, or a NumPy scalar: nothing to vectorize over
                nbytes, dtype = int(getattr(value, "nbytes", 0)), str(value.dtype)
            key = (watch["id"], name)
            shapes = self.seen.setdefault(key, set())
            # by dtype too: an array as long as a list seen before is another thing to price
            if (shape, dtype) in shapes or len(shapes) >= MAX_SHAPES_PER_NAME:
                continue
            shapes.add((shape, dtype))
            emit("shape", id=watch["id"], name=name, shape=list(shape), itemsize=itemsize, nbytes=nbytes, dtype=dtype)

    def global_trace(self, frame, event, arg):
        watches = self.watches_for(frame.f_code)
        if not watches:
            return None
        pending = {w["line"]: w for w in watches}

        def local_trace(frame, event, arg):
            if event == "line":
                watch = pending.pop(frame.f_lineno, None)
                if watch is not None:
                    self.record(frame, watch)
                    if not pending:
                        frame.f_trace_lines = False
            return local_trace

        return local_trace


def main():
    own, target = vecprof_run.split_argv(sys.argv[1:])
    if len(own) != 2 or own[0] != "--watch":
        raise SystemExit("vecprof_shapes: usage: --watch JSON (--script PATH | --module NAME) -- ARGS")
    watcher = Watcher(json.loads(own[1]))

    def start():
        sys.settrace(watcher.global_trace)

    def stop():
        sys.settrace(None)

    vecprof_run.launch("shapes", target, start=start, stop=stop)


if __name__ == "__main__":
    main()
