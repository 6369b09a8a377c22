"""Bench workload: whole-array NumPy kernels (sort, ufuncs, a reduction) on N float64, REPEATS times.
Prints the kernels' own seconds on stderr as `BENCH <wall seconds> <process CPU seconds>`."""
import sys
import time

import numpy as np

n, repeats = int(sys.argv[1]), int(sys.argv[2])
x = np.random.default_rng(1).random(n)
start, start_cpu = time.perf_counter(), time.process_time()
for _ in range(repeats):
    s = np.sort(x)
    y = np.sqrt(x) * 2.0 + s
    z = float(y.sum())
print("BENCH %.6f %.6f" % (time.perf_counter() - start, time.process_time() - start_cpu), file=sys.stderr)
