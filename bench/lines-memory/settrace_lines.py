"""Reference point: the plain sys.settrace line counter + timer that line_profiler-style tools amount to.

    python settrace_lines.py SCRIPT ARGS...
"""
import collections
import os
import runpy
import sys
import time

target = os.path.abspath(sys.argv[1])
hits = collections.Counter()
spent = collections.Counter()
last = [None, 0.0]
clock = time.perf_counter


def local(frame, event, arg):
    if event == "line":
        now = clock()
        if last[0] is not None:
            spent[last[0]] += now - last[1]
        key = frame.f_lineno
        hits[key] += 1
        last[0], last[1] = key, now
    return local


def tracer(frame, event, arg):
    return local if frame.f_code.co_filename == target else None


sys.argv = sys.argv[1:]
sys.settrace(tracer)
try:
    runpy.run_path(target, run_name="__main__")
finally:
    sys.settrace(None)
