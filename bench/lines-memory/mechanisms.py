"""Which hit-counting mechanism is cheapest on this interpreter? One process, interleaved rounds, median ns/element.

    python mechanisms.py [N] [list]

plain ........ no counting
settrace ..... sys.settrace line callback counting hits (what a pure-Python line tracer costs)
monitoring ... sys.monitoring LINE callback counting hits (3.12+); never DISABLEd, since every hit must be counted
ast .......... vecprof's rewrite (python/vecprof_rewrite.py): a counter call compiled into each line
Runs on whatever NumPy-less interpreter is given too (the loop is over a list then).
"""
import ast
import collections
import itertools
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import vecprof_rewrite  # noqa: E402

SOURCE = """
def work(values):
    total = 0.0
    for x in values:
        total += x
    return total
"""


def compiled(rewrite):
    tree = ast.parse(SOURCE)
    env = {}
    if rewrite:
        rewriter = vecprof_rewrite.Rewriter(lambda qual: True, 100)
        rewriter.module(tree)
        env = dict(zip(vecprof_rewrite.PROLOGUE_NAMES,
                       ([itertools.count() for _ in range(200)], next, zip, lambda: None, None, BaseException)))
    exec(compile(ast.fix_missing_locations(tree), "bench_work.py", "exec"), env)
    return env["work"]


def with_settrace(fn, data):
    hits = collections.Counter()

    def local(frame, event, arg):
        if event == "line":
            hits[frame.f_lineno] += 1
        return local

    sys.settrace(lambda frame, event, arg: local if frame.f_code.co_filename == "bench_work.py" else None)
    try:
        return fn(data)
    finally:
        sys.settrace(None)


def with_monitoring(fn, data):
    mon = sys.monitoring
    tool = mon.PROFILER_ID
    hits = collections.Counter()
    mon.use_tool_id(tool, "bench")
    try:
        mon.register_callback(tool, mon.events.LINE, lambda code, line: hits.__setitem__(line, hits[line] + 1))
        mon.set_local_events(tool, fn.__code__, mon.events.LINE)
        return fn(data)
    finally:
        mon.set_local_events(tool, fn.__code__, 0)
        mon.register_callback(tool, mon.events.LINE, None)
        mon.free_tool_id(tool)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    data, kind = [float(i) for i in range(n)], "list of floats"
    if sys.argv[2:] != ["list"]:
        try:
            import numpy as np

            data, kind = np.random.default_rng(0).random(n), "float64 ndarray"
        except ImportError:
            pass
    plain, counted = compiled(False), compiled(True)
    variants = {
        "plain": lambda: plain(data),
        "settrace": lambda: with_settrace(plain, data),
        "ast": lambda: counted(data),
    }
    if sys.version_info >= (3, 12):
        variants["monitoring"] = lambda: with_monitoring(plain, data)
    times = {k: [] for k in variants}
    for _ in range(7):
        for name, run in variants.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["plain"])
    print("Python %s, %s, n=%d" % (sys.version.split()[0], kind, n))
    for name, samples in times.items():
        med = statistics.median(samples)
        print("  %-10s %7.1f ns/element  %5.2fx" % (name, med / n * 1e9, med / base))


if __name__ == "__main__":
    main()
