"""Bench workload (worst case for buffer tracing): N operations on 3-element arrays, each allocating a new array.
Prints the loop's own seconds on stderr as `BENCH <wall seconds> <process CPU seconds>`."""
import sys
import time

import numpy as np

n = int(sys.argv[1])
v = np.ones(3)
start, start_cpu = time.perf_counter(), time.process_time()
acc = np.zeros(3)
for i in range(n):
    acc = acc + v * 0.5
print("BENCH %.6f %.6f" % (time.perf_counter() - start, time.process_time() - start_cpu), file=sys.stderr)
