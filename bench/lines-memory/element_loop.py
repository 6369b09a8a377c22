"""Bench workload: `for x in a: total += x` over a float64 array, inside a function (argv: N, "module" to run it at
module level instead). Prints the loop's own seconds on stderr as `BENCH <wall seconds> <process CPU seconds>`."""
import sys
import time

import numpy as np

n = int(sys.argv[1])
a = np.random.default_rng(0).random(n)


def total_of(values):
    total = 0.0
    for x in values:
        total += x
    return total


start, start_cpu = time.perf_counter(), time.process_time()
if sys.argv[2:] == ["module"]:
    total = 0.0
    for x in a:
        total += x
else:
    total = total_of(a)
print("BENCH %.6f %.6f" % (time.perf_counter() - start, time.process_time() - start_cpu), file=sys.stderr)
