"""lines mode: exact hits and sampled time per line of the user's own code, without decorators.

    python vecprof_lines.py [--only NAME]... [--root DIR]... [--interval SECONDS] (--script PATH | --module NAME) -- ARGS

Hits: the user's source is rewritten (AST) as it is compiled, so each statement first bumps a counter for its line in a
plain list (`_vp_h[LINE] += 1`): a handful of bytecodes per line, no tracer call. A loop header counts once on entry and
once per completed iteration (N+1 for N elements), as CPython reports line events. Comprehension lines add the
elements they iterated (counted by zipping the iterable with an itertools.count, so no Python call per element).
Compiled files are never written to the bytecode cache.

Time: a background thread wakes every --interval, looks at the main thread's stack and charges the time since its
previous look to the innermost counted line (time in NumPy or the stdlib called from that line is that line's).
The GIL switch interval is lowered while sampling so the thread gets its turn.

With --only, just the named functions (`func`, `Class.method`, `module.func`, `file.py:func`) are rewritten; the rest of
the program runs untouched. Sends "lines" before the launcher's "exit", whatever way the program ended.
"""
import ast
import builtins
import importlib.machinery
import importlib.util
import itertools
import os
import sys
import sysconfig
import threading
import time

import vecprof_run
from vecprof_protocol import emit

_THIS_DIR = os.path.dirname(os.path.abspath(__file__))
_TABLES = "_vp_tables_"  # the one name put in builtins: the instrumented code fetches its counters through it
_HITS = "_vp_h"
_COUNTS = "_vp_c"
_ZIP = "_vp_z"
_ELEMENT = "_vp_i"


# ---------------------------------------------------------------- which files and functions


def _library_dirs():
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            dirs.add(os.path.realpath(sysconfig.get_paths()[key]))
        except KeyError:
            pass
    dirs.add(_THIS_DIR)
    return [d + os.sep for d in dirs]


class Scope:
    """Decides which files are the user's and which functions to count."""

    def __init__(self, roots, only):
        self.roots = [os.path.realpath(r).rstrip(os.sep) + os.sep for r in roots]
        self.excluded = _library_dirs()
        self.only = [_Selector(name) for name in only]

    def is_user_file(self, path):
        if not path or path.startswith("<"):
            return False
        real = os.path.realpath(path)
        parts = real.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return False
        if any(real.startswith(d) for d in self.excluded):
            return False
        return any(real.startswith(r) for r in self.roots)

    def wants_file(self, path, module):
        if self.is_user_file(path):
            return True
        # A module-qualified --only name (pkg.mod.func) may point outside the user's tree.
        return any(s.may_live_in(module) for s in self.only)

    def selects(self, qualname, module, path):
        if not self.only:
            return True
        return any(s.matches(qualname, module, path) for s in self.only)


class _Selector:
    def __init__(self, name):
        self.name = name
        self.file = None
        if ":" in name:
            self.file, name = name.rsplit(":", 1)
        self.target = name
        self.used = False

    def may_live_in(self, module):
        return bool(module) and "." in self.target and self.target.startswith(module + ".")

    def matches(self, qualname, module, path):
        if self.file is not None and not (path == self.file or path.endswith(os.sep + self.file)):
            return False
        simple = qualname.replace(".<locals>", "")
        names = [qualname, simple]
        if module:
            names += [module + "." + qualname, module + "." + simple]
        hit = any(n == self.target or n.endswith("." + self.target) for n in names)
        self.used = self.used or hit
        return hit


# ---------------------------------------------------------------- the rewrite


def _counter(line, like):
    """`_vp_h[line] += 1`, placed at `like` so tracebacks and the sampler see the counted line."""
    node = ast.AugAssign(
        target=ast.Subscript(value=ast.Name(id=_HITS, ctx=ast.Load()), slice=_index(line), ctx=ast.Store()),
        op=ast.Add(),
        value=ast.Constant(value=1),
    )
    return _place(node, line, like)


def _index(line):
    if sys.version_info >= (3, 9):
        return ast.Constant(value=line)
    return ast.Index(value=ast.Constant(value=line))  # pragma: no cover (3.8 and older are not supported)


def _place(node, line, like):
    node.lineno = line
    node.end_lineno = line
    node.col_offset = getattr(like, "col_offset", 0)
    node.end_col_offset = node.col_offset
    return ast.fix_missing_locations(node)


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


class _Rewriter:
    """Inserts the counters. `active` says whether the statements being walked are counted."""

    def __init__(self, scope, module, path):
        self.scope = scope
        self.module = module
        self.path = path
        self.lines = {}  # counted line -> qualified name of the function it is in ("<module>" at top level)
        self.functions = []  # (def line, qualified name, first counted body line)
        self.comprehension_lines = set()

    def module_body(self, tree):
        active = self.scope.selects("<module>", self.module, self.path) if self.scope.only else True
        tree.body = self.body(tree.body, "<module>", "", active, parent_line=-1, loop_line=None, docstring=True)
        return tree

    def body(self, stmts, owner, prefix, active, parent_line, loop_line, docstring=False):
        out = []
        previous_line = parent_line
        for i, stmt in enumerate(stmts):
            counted = (
                active
                and not (docstring and i == 0 and _is_docstring(stmt))
                and not isinstance(stmt, (ast.Global, ast.Nonlocal))
                and not (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__")
                and stmt.lineno != previous_line  # CPython reports one event for `a = 1; b = 2`
            )
            if isinstance(stmt, ast.Continue) and loop_line is not None and active:
                out.append(_counter(loop_line, stmt))  # a continue completes the iteration: the header runs again
            if counted:
                out.append(_counter(stmt.lineno, stmt))
                self.lines.setdefault(stmt.lineno, owner)
            out.append(self.statement(stmt, owner, prefix, active, loop_line))
            previous_line = getattr(stmt, "end_lineno", stmt.lineno) if not counted else stmt.lineno
        return out or stmts

    def statement(self, stmt, owner, prefix, active, loop_line):
        if isinstance(stmt, _DEFS):
            return self.function(stmt, prefix, active)
        if isinstance(stmt, ast.ClassDef):
            qual = prefix + stmt.name
            inner = active or self.scope.selects(qual, self.module, self.path)
            stmt.body = self.body(stmt.body, owner, qual + ".", inner, stmt.lineno, None, docstring=True)
            return stmt
        if active:
            self.expressions(stmt)
        if isinstance(stmt, _LOOPS):
            stmt.body = self.body(stmt.body, owner, prefix, active, stmt.lineno, stmt.lineno)
            if active:
                last = stmt.body[-1]
                stmt.body.append(_counter(stmt.lineno, last))  # the iteration completed: back to the header
            stmt.orelse = self.body(stmt.orelse, owner, prefix, active, stmt.lineno, loop_line)
            return stmt
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(stmt, field, self.body(block, owner, prefix, active, stmt.lineno, loop_line))
        for handler in getattr(stmt, "handlers", ()) or ():
            handler.body = self.body(handler.body, owner, prefix, active, handler.lineno, loop_line)
            if active:
                handler.body.insert(0, _counter(handler.lineno, handler))
                self.lines.setdefault(handler.lineno, owner)
        for case in getattr(stmt, "cases", ()) or ():
            case.body = self.body(case.body, owner, prefix, active, case.pattern.lineno, loop_line)
        return stmt

    def function(self, node, prefix, outer_active):
        qual = prefix + node.name
        active = outer_active or self.scope.selects(qual, self.module, self.path)
        node.body = self.body(node.body, qual, qual + ".<locals>.", active, node.lineno, None, docstring=True)
        if active:
            first = next((s.lineno for s in node.body if self._is_counter(s)), None)
            code_line = min([d.lineno for d in node.decorator_list] + [node.lineno])
            self.functions.append((node.lineno, code_line, node.name, qual, first))
        return node

    @staticmethod
    def _is_counter(stmt):
        return (
            isinstance(stmt, ast.AugAssign)
            and isinstance(stmt.target, ast.Subscript)
            and isinstance(stmt.target.value, ast.Name)
            and stmt.target.value.id == _HITS
        )

    def expressions(self, stmt):
        """Counts the elements comprehensions iterate, on the line of their `for`."""
        for field, value in ast.iter_fields(stmt):
            if field in ("body", "orelse", "finalbody", "handlers", "cases"):
                continue
            for node in _walk_expr(value):
                if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    for gen in node.generators:
                        if gen.is_async:
                            continue
                        line = gen.target.lineno
                        gen.target = ast.Tuple(elts=[gen.target, ast.Name(id=_ELEMENT, ctx=ast.Store())], ctx=ast.Store())
                        count = ast.Subscript(value=ast.Name(id=_COUNTS, ctx=ast.Load()), slice=_index(line), ctx=ast.Load())
                        gen.iter = ast.Call(func=ast.Name(id=_ZIP, ctx=ast.Load()), args=[gen.iter, count], keywords=[])
                        ast.copy_location(gen.target, gen.target.elts[0])
                        self.comprehension_lines.add(line)


def _walk_expr(value):
    roots = value if isinstance(value, list) else [value]
    stack = [r for r in roots if isinstance(r, ast.AST)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            continue  # nested statements are walked as statements
        yield node
        stack.extend(ast.iter_child_nodes(node))


# ---------------------------------------------------------------- compiling user code


class Recorder:
    """Owns the counter tables of every file compiled with counters."""

    def __init__(self, scope):
        self.scope = scope
        self.tables = []  # (path, hits list, count objects, rewriter)
        self.line_sets = {}  # path -> set of counted lines (the sampler's test for "a line of ours")
        setattr(builtins, _TABLES, self.tables)

    def compile_source(self, source, path, module):
        tree = ast.parse(source, path)
        rewriter = _Rewriter(self.scope, module, path)
        rewriter.module_body(tree)
        if not rewriter.lines and not rewriter.comprehension_lines:
            return compile(tree, path, "exec", dont_inherit=True)
        size = max([0] + [node.lineno for node in ast.walk(tree) if hasattr(node, "lineno")]) + 2
        index = len(self.tables)
        self.tables.append((path, [0] * size, [itertools.count() for _ in range(size)], rewriter))
        self.line_sets.setdefault(path, set()).update(rewriter.lines)
        self.line_sets[path].update(rewriter.comprehension_lines)
        tree.body[_prologue_at(tree.body):0] = [_prologue(index)]
        ast.fix_missing_locations(tree)  # the comprehension rewrite adds nodes without positions
        return compile(tree, path, "exec", dont_inherit=True)

    def results(self):
        by_line = {}
        functions = []
        for path, hits, counts, rewriter in self.tables:
            for line, owner in rewriter.lines.items():
                entry = by_line.setdefault((path, line), [0, owner])
                entry[0] += hits[line]
            for line in rewriter.comprehension_lines:
                elements = counts[line].__reduce__()[1][0]
                entry = by_line.setdefault((path, line), [0, rewriter.lines.get(line, "<module>")])
                entry[0] += elements
            for def_line, code_line, name, qual, first in rewriter.functions:
                calls = hits[first] if first is not None else None
                functions.append((path, def_line, code_line, name, qual, calls))
        return by_line, functions


def _prologue_at(body):
    i = 0
    if body and _is_docstring(body[0]):
        i = 1
    while i < len(body) and isinstance(body[i], ast.ImportFrom) and body[i].module == "__future__":
        i += 1
    return i


def _prologue(index):
    """`_vp_h, _vp_c, _vp_z = _vp_tables_[index][1], …[2], zip`: module globals, so lookups stay cheap."""
    table = ast.Subscript(value=ast.Name(id=_TABLES, ctx=ast.Load()), slice=_index(index), ctx=ast.Load())
    node = ast.Assign(
        targets=[ast.Tuple(elts=[ast.Name(id=n, ctx=ast.Store()) for n in (_HITS, _COUNTS, _ZIP)], ctx=ast.Store())],
        value=ast.Tuple(
            elts=[
                ast.Subscript(value=table, slice=_index(1), ctx=ast.Load()),
                ast.Subscript(value=table, slice=_index(2), ctx=ast.Load()),
                ast.Name(id="zip", ctx=ast.Load()),
            ],
            ctx=ast.Load(),
        ),
    )
    return _place(node, 1, None)


class _Loader(importlib.machinery.SourceFileLoader):
    recorder = None

    def get_code(self, fullname):
        # Never the cached .pyc (it has no counters) and never write one (it would have them).
        source = self.get_data(self.path)
        return self.recorder.compile_source(importlib.util.decode_source(source), self.path, fullname)


class _Finder:
    def __init__(self, recorder):
        self.recorder = recorder

    def find_spec(self, name, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return None
        if not self.recorder.scope.wants_file(spec.origin, name):
            return None
        loader = _Loader(name, spec.origin)
        loader.recorder = self.recorder
        spec.loader = loader
        return spec

    def invalidate_caches(self):
        pass



def install(recorder):
    sys.meta_path.insert(0, _Finder(recorder))

    def compile_hook(source, filename, mode, *args, **kwargs):
        # The launcher compiles the main script with compile(); give it the counted version.
        if mode == "exec" and recorder.scope.wants_file(filename, "__main__"):
            if isinstance(source, bytes):
                source = importlib.util.decode_source(source)
            return recorder.compile_source(source, filename, "__main__")
        return compile(source, filename, mode, *args, **kwargs)

    vecprof_run.compile = compile_hook


# ---------------------------------------------------------------- time


class Sampler:
    def __init__(self, recorder, interval):
        self.recorder = recorder
        self.interval = interval
        self.line_time = {}
        self.function_time = {}  # code object -> inclusive seconds
        self.stacks = {}
        self.samples = 0
        self.outside = 0.0
        self.started = self.stopped = None
        self._stop = threading.Event()
        self._thread = None
        self._code_lines = {}
        self._old_switch = sys.getswitchinterval()

    def start(self):
        self.started = time.perf_counter()
        # The sampler needs the GIL to look; a busy main thread hands it over only after the switch interval.
        sys.setswitchinterval(min(self._old_switch, self.interval / 2))
        self._thread = threading.Thread(target=self._run, name="vecprof-lines-sampler", daemon=True)
        self._thread.start()

    def stop(self):
        self.stopped = time.perf_counter()
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(0.5)
        sys.setswitchinterval(self._old_switch)

    def _run(self):
        main_id = threading.main_thread().ident
        last = self.started
        frames_of = sys._current_frames
        while not self._stop.wait(self.interval):
            frame = frames_of().get(main_id)
            now = time.perf_counter()
            if frame is not None:
                self._charge(frame, now - last)
            last = now

    def _lines_of(self, code):
        lines = self._code_lines.get(code)
        if lines is None:
            lines = self.recorder.line_sets.get(code.co_filename, ())
            self._code_lines[code] = lines
        return lines

    def _charge(self, frame, seconds):
        self.samples += 1
        charged = False
        seen = set()
        stack = []
        f = frame
        while f is not None:
            code = f.f_code
            line = f.f_lineno
            stack.append((code, line))
            if line in self._lines_of(code):
                if not charged:
                    key = (code.co_filename, line)
                    self.line_time[key] = self.line_time.get(key, 0.0) + seconds
                    charged = True
                if code not in seen:
                    seen.add(code)
                    self.function_time[code] = self.function_time.get(code, 0.0) + seconds
            f = f.f_back
        if not charged:
            self.outside += seconds
        key = tuple(reversed(stack))
        self.stacks[key] = self.stacks.get(key, 0) + 1


def _qualname(code):
    return getattr(code, "co_qualname", code.co_name)


def report(recorder, sampler, scope):
    by_line, functions = recorder.results()
    for key in sampler.line_time:
        by_line.setdefault(key, [0, "<module>"])
    wall = (sampler.stopped or time.perf_counter()) - sampler.started
    lines = [
        {"file": path, "line": line, "hits": hits, "time": sampler.line_time.get((path, line), 0.0), "function": owner}
        for (path, line), (hits, owner) in by_line.items()
    ]
    inclusive = {}
    for code, seconds in sampler.function_time.items():
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        inclusive[key] = inclusive.get(key, 0.0) + seconds
    funcs = []
    for path, def_line, code_line, name, qual, calls in functions:
        total = inclusive.get((path, code_line, name), 0.0)
        funcs.append({"file": path, "line": def_line, "name": qual, "calls": calls, "totalTime": total})
    frames, frame_index, stacks = [], {}, []
    for stack, weight in sampler.stacks.items():
        ids = []
        for code, line in stack:
            key = (code.co_filename, _qualname(code), line)
            if key not in frame_index:
                frame_index[key] = len(frames)
                frames.append({"name": key[1], "file": key[0], "line": line})
            ids.append(frame_index[key])
        stacks.append({"frames": ids, "weight": weight})
    emit(
        "lines",
        wallSeconds=wall,
        samples=sampler.samples,
        intervalSeconds=sampler.interval,
        outsideSeconds=sampler.outside,
        lines=lines,
        functions=funcs,
        frames=frames,
        stacks=stacks,
        unmatched=[s.name for s in scope.only if not s.used],
    )


def main():
    own, target = vecprof_run.split_argv(sys.argv[1:])
    only, roots, interval = [], [], 0.001
    i = 0
    while i < len(own):
        flag = own[i]
        value = own[i + 1] if i + 1 < len(own) else None
        if value is None or flag not in ("--only", "--root", "--interval"):
            raise SystemExit("vecprof_lines: usage: [--only NAME]... [--root DIR]... [--interval S] "
                             "(--script PATH | --module NAME) -- ARGS")
        if flag == "--only":
            only.append(value)
        elif flag == "--root":
            roots.append(value)
        else:
            interval = float(value)
        i += 2
    if not roots:
        roots = [os.getcwd()]
        if target.kind == "script":
            roots.append(os.path.dirname(os.path.abspath(target.name)))
    scope = Scope(roots, only)
    recorder = Recorder(scope)
    install(recorder)
    sampler = Sampler(recorder, interval)
    vecprof_run.on_finish(lambda status: report(recorder, sampler, scope))
    vecprof_run.launch("lines", target, start=sampler.start, stop=sampler.stop, mechanism="ast-counters+sampler")


if __name__ == "__main__":
    main()
