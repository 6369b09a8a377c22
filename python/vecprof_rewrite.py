"""The AST rewrite behind lines mode: a counter per line, compiled into the user's own code.

A counted line gets `_vp_x(_vp_c[LINE])` (next() on an itertools.count): ~16 ns, as cheap as a list increment, and it
is a CALL, which is where CPython 3.11+ lets another thread take the GIL. Placing it *after* a simple statement makes
that statement's own end the point where the sampler can look, so sampled time lands on the line that spent it instead
of on the next line that happens to contain a call or a loop back-edge.

Where each count goes, so hits equal CPython's line events:
  simple statements ............ after the statement (an exception inside it is counted by the unwind fixer below)
  return/raise/break/continue/pass, def/class, match, statements that yield or await ... before the statement
  for/while header ............. first thing in the body and in the `else` (one is added): entry + completed
                                 iterations, i.e. N+1 for N elements, however the loop ends
  if/elif ...................... first thing in each branch (an empty `else` is added)
  with/try ..................... first thing in the body
  except X, case P .............. first thing in the handler / case body (taken, not tried)
  comprehensions ............... the iterable is zipped with the line's counter: elements iterated are added to hits
A statement on the same line as the one before it (`a = 1; b = 2`, `for x in a: s += x`) is not counted again.
Functions decorated for a JIT compiler (`@njit`, `@numba.jit(...)`, `@jax.jit`, `@torch.compile`, ...) are left alone.

Exceptions: counts placed after a statement miss the statement that raised. Module, function, `with` and `try` bodies
are wrapped in `try: … except BaseException: _vp_f(); raise` (zero cost on 3.11+ until something raises); _vp_f walks
the traceback and adds the missing count of every line it passes through, once per traceback entry.
"""
import ast
import sys

COUNTS = "_vp_c"
NEXT = "_vp_x"
ZIP = "_vp_z"
FIX = "_vp_f"
TABLE = "_vp_t"
BASE = "_vp_b"
ELEMENT = "_vp_i"
PROLOGUE_NAMES = (COUNTS, NEXT, ZIP, FIX, TABLE, BASE)

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BEFORE = (ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Pass, ast.ClassDef) + _DEFS + tuple(
    getattr(ast, name) for name in ("Match",) if hasattr(ast, name)
)
_INSIDE = _LOOPS + (ast.If, ast.With, ast.AsyncWith, ast.Try) + tuple(
    getattr(ast, name) for name in ("TryStar",) if hasattr(ast, name)
)
_SUSPENDS = (ast.Yield, ast.YieldFrom, ast.Await)


def _name(identifier):
    return ast.Name(id=identifier, ctx=ast.Load())


def _place(node, line, like):
    for n in ast.walk(node):
        n.lineno = n.end_lineno = line
        n.col_offset = n.end_col_offset = getattr(like, "col_offset", 0)
    return node


def count(line, like):
    """`_vp_x(_vp_c[line])`."""
    subscript = ast.Subscript(value=_name(COUNTS), slice=ast.Constant(value=line), ctx=ast.Load())
    return _place(ast.Expr(value=ast.Call(func=_name(NEXT), args=[subscript], keywords=[])), line, like)


def _guarded(body, like):
    """`try: body except BaseException: _vp_f(); raise`, so a raising statement still gets its count."""
    line = body[0].lineno
    fix = _place(ast.Expr(value=ast.Call(func=_name(FIX), args=[], keywords=[])), line, like)
    reraise = _place(ast.Raise(exc=None, cause=None), line, like)
    handler = ast.ExceptHandler(type=_place(_name(BASE), line, like), name=None, body=[fix, reraise])
    _place(handler, line, like)
    node = ast.Try(body=body, handlers=[handler], orelse=[], finalbody=[])
    node.lineno = node.end_lineno = line
    node.col_offset = node.end_col_offset = 0
    return node


def is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_future(stmt):
    return isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"


def _suspends(stmt):
    return any(isinstance(n, _SUSPENDS) for n in _walk_expr([v for _, v in ast.iter_fields(stmt)]))


def _walk_expr(value):
    """Expression nodes of a statement's own fields; nested statements are not entered."""
    roots = value if isinstance(value, list) else [value]
    stack = []
    for r in roots:
        if isinstance(r, list):
            stack.extend(x for x in r if isinstance(x, ast.AST))
        elif isinstance(r, ast.AST):
            stack.append(r)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.stmt, ast.excepthandler)) or type(node).__name__ == "match_case":
            continue
        yield node
        if isinstance(node, ast.Lambda):
            continue  # a yield in a lambda suspends the lambda, not this statement
        stack.extend(ast.iter_child_nodes(node))


class Rewriter:
    """Inserts the counters into one module's AST. `select(qualname)` says which functions to count."""

    def __init__(self, select, entry_offset, select_all=True):
        self.select = select
        # With --lines, selecting "<module>" counts the top-level statements only, not every def and class below them.
        self.top_level_inherits = select_all
        self.entry_offset = entry_offset  # counter slot of a function's calls: entry_offset + its def line
        self.lines = {}  # counted line -> qualified name of the function it is in ("<module>" at top level)
        self.fixable = set()  # lines whose count comes after the work, so an exception there needs fixing
        self.functions = []  # (def line, code object's first line, name, qualified name)

    def module(self, tree):
        active = self.select("<module>")
        head = 0
        if tree.body and is_docstring(tree.body[0]):
            head = 1
        while head < len(tree.body) and _is_future(tree.body[head]):
            head += 1
        rest = self.body(tree.body[head:], "<module>", "", active, -1)
        if active and head and is_docstring(tree.body[0]):  # a module docstring is executed (stored as __doc__)
            rest.insert(0, count(tree.body[0].lineno, tree.body[0]))
            self.lines.setdefault(tree.body[0].lineno, "<module>")
        if active and rest:
            rest = [_guarded(rest, rest[0])]
        tree.body = tree.body[:head] + rest
        return tree

    def body(self, stmts, owner, prefix, active, parent_line, docstring=False):
        out = []
        previous_line = parent_line
        open_after = None  # (index in out, line) of the last count placed after a statement
        for i, stmt in enumerate(stmts):
            line = stmt.lineno
            if (docstring and i == 0 and is_docstring(stmt)) or isinstance(stmt, (ast.Global, ast.Nonlocal)) or _is_future(stmt):
                out.append(stmt)
                open_after = None
                continue
            same_line = line == previous_line
            counted = active and not same_line
            new = self.statement(stmt, owner, prefix, active, counted)
            previous_line = line
            if not counted:
                if same_line and open_after is not None and open_after == (len(out) - 1, line):
                    out.insert(len(out) - 1, new)  # keep the count after the whole `a = 1; b = 2` group
                    open_after = (len(out) - 1, line)
                else:
                    out.append(new)
                    open_after = None
                continue
            self.lines.setdefault(line, owner)
            if isinstance(stmt, _INSIDE):
                out.append(new)
                self.fixable.add(line)
                open_after = None
            elif isinstance(stmt, _BEFORE) or _suspends(stmt):
                out.extend([count(line, stmt), new])
                open_after = None
            else:
                out.extend([new, count(line, stmt)])
                self.fixable.add(line)
                open_after = (len(out) - 1, line)
        return out

    def statement(self, stmt, owner, prefix, active, counted):
        line = stmt.lineno
        if isinstance(stmt, _DEFS):
            return self.function(stmt, prefix, active)
        if isinstance(stmt, ast.ClassDef):
            if _compiled_elsewhere(stmt):  # @jitclass
                return stmt
            qual = prefix + stmt.name
            inner = self._inherits(active, prefix) or self.select(qual)
            stmt.body = self.body(stmt.body, owner, qual + ".", inner, line)  # a class docstring runs: counted
            return stmt
        if active:
            self.comprehensions(stmt, owner)
        head = [count(line, stmt)] if counted else []
        if isinstance(stmt, _LOOPS + (ast.If,)):
            stmt.body = head + self.body(stmt.body, owner, prefix, active, line)
            orelse = self.body(stmt.orelse, owner, prefix, active, line)
            stmt.orelse = ([count(line, stmt)] if counted else []) + orelse
            return stmt
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            body = head + self.body(stmt.body, owner, prefix, active, line)
            stmt.body = [_guarded(body, stmt)] if active else body
            return stmt
        if isinstance(stmt, _INSIDE):  # try / try*
            body = head + self.body(stmt.body, owner, prefix, active, line)
            stmt.body = [_guarded(body, stmt)] if active else body
            for handler in stmt.handlers:
                inner = self.body(handler.body, owner, prefix, active, handler.lineno)
                if active:
                    inner.insert(0, count(handler.lineno, handler))
                    self.lines.setdefault(handler.lineno, owner)
                handler.body = inner
            stmt.orelse = self.body(stmt.orelse, owner, prefix, active, line)
            stmt.finalbody = self.body(stmt.finalbody, owner, prefix, active, line)
            return stmt
        for case in getattr(stmt, "cases", ()) or ():
            inner = self.body(case.body, owner, prefix, active, case.pattern.lineno)
            if active:  # counted when the case is taken (CPython also reports the patterns it tries)
                inner.insert(0, count(case.pattern.lineno, case.pattern))
                self.lines.setdefault(case.pattern.lineno, owner)
            case.body = inner
        return stmt

    def function(self, node, prefix, outer_active):
        qual = prefix + node.name
        if _compiled_elsewhere(node):
            return node  # numba & co. compile the bytecode themselves: a counter call there would break them
        active = self._inherits(outer_active, prefix) or self.select(qual)
        body = self.body(node.body, qual, qual + ".<locals>.", active, node.lineno, docstring=True)
        if active:
            code_line = min([d.lineno for d in node.decorator_list] + [node.lineno])
            self.functions.append((node.lineno, code_line, node.name, qual))
            keep = 1 if body and is_docstring(body[0]) else 0
            calls = count(self.entry_offset + node.lineno, node)  # its own slot: how often the function ran
            body = body[:keep] + [_guarded([calls] + body[keep:], node)]
        node.body = body
        return node

    def _inherits(self, outer_active, prefix):
        return outer_active and (prefix != "" or self.top_level_inherits)

    def comprehensions(self, stmt, owner):
        """Zips each comprehension's iterable with its line's counter: hits += elements iterated."""
        for field, value in ast.iter_fields(stmt):
            if field in ("body", "orelse", "finalbody", "handlers", "cases"):
                continue
            for node in list(_walk_all(value)):
                if not isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    continue
                for gen in node.generators:
                    if gen.is_async:
                        continue
                    line = gen.target.lineno
                    target = gen.target
                    gen.target = ast.copy_location(
                        ast.Tuple(elts=[target, ast.Name(id=ELEMENT, ctx=ast.Store())], ctx=ast.Store()), target
                    )
                    counter = ast.Subscript(value=_name(COUNTS), slice=ast.Constant(value=line), ctx=ast.Load())
                    gen.iter = ast.copy_location(ast.Call(func=_name(ZIP), args=[gen.iter, counter], keywords=[]), gen.iter)
                    self.lines.setdefault(line, owner)


# Decorators that hand the function's bytecode or source to a compiler (numba, jax, torch, cupy...): such functions
# are left exactly as written, so they are neither counted nor broken.
_JIT_DECORATORS = {"jit", "njit", "vectorize", "guvectorize", "cfunc", "stencil", "generated_jit", "overload",
                   "compile", "script", "fuse", "kernel", "pjit", "vmap", "jitclass"}


def _compiled_elsewhere(node):
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name in _JIT_DECORATORS:
            return True
    return False


def _walk_all(value):
    """Every expression node under a statement field, lambdas included (their comprehensions count too)."""
    roots = value if isinstance(value, list) else [value]
    stack = [r for r in roots if isinstance(r, ast.AST)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def prologue(index, tables_name):
    """`_vp_c, _vp_x, … = _vp_tables_[index]`: module globals, so the counts cost a cached global lookup."""
    value = ast.Subscript(value=_name(tables_name), slice=ast.Constant(value=index), ctx=ast.Load())
    target = ast.Tuple(elts=[ast.Name(id=n, ctx=ast.Store()) for n in PROLOGUE_NAMES], ctx=ast.Store())
    return _place(ast.Assign(targets=[target], value=value), 1, None)


if sys.version_info < (3, 9):  # pragma: no cover
    raise ImportError("vecprof needs Python 3.9 or newer")
