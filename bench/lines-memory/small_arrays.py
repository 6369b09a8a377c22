"""Bench workload (worst case for buffer tracing): N operations on 3-element arrays, each allocating a new array.
Prints the loop's own seconds on stderr as `BENCH <seconds>`."""
import sys
import time

import numpy as np

n = int(sys.argv[1])
v = np.ones(3)
start = time.perf_counter()
acc = np.zeros(3)
for i in range(n):
    acc = acc + v * 0.5
print("BENCH %.6f" % (time.perf_counter() - start), file=sys.stderr)
