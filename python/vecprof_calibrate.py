"""Micro-measurements the advisor's cost model needs beyond the sum budget.

    python vecprof_calibrate.py

- "matmul": nanoseconds per multiply-add of a batched `a @ w` (a: B×k×k, w: k×k) for several k. Small products
  run far below BLAS peak and large ones near it, so the rate depends on the inner dimension.
- "pairwise": seconds per element of the broadcast distance matrix `sqrt(((x[:, None] - y[None]) ** 2).sum(-1))` over
  N×M×D elements for several row lengths D: short rows pay NumPy's per-inner-loop overhead on every pair.
- "op": nanoseconds per element of common whole-array operations on 2^20 float64 (8 MiB, in cache), so a rewrite
  such as `np.where(x > 0, x, 0.0)` is priced by what its calls cost here, not by bytes alone (np.where and np.exp
  are compute-bound; a sum streams). "asarray_list" is np.asarray of a list of floats, per item: what
  `x = np.asarray(x)` costs when the program passes a list.
Each value is the median of several timed calls after a warm-up, with the garbage collector off.
"""
import gc
import time

import numpy as np

from vecprof_protocol import emit, hello


def median_seconds(fn, repeats=7):
    fn()
    times = []
    gc.disable()
    try:
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            fn()
            times.append((time.perf_counter_ns() - t0) / 1e9)
    finally:
        gc.enable()
    times.sort()
    return times[len(times) // 2]


def main():
    hello("calibrate")
    rng = np.random.default_rng(1)
    for k in (2, 4, 8, 16, 32, 64, 128, 256):
        batch = max(1, (4 << 20) // (k * k * 8))  # about 4 MiB of input: in cache, many products
        a = rng.random((batch, k, k))
        w = rng.random((k, k))
        seconds = median_seconds(lambda: a @ w, repeats=11)
        emit("matmul", k=k, batch=batch, ns_per_fma=seconds * 1e9 / (batch * k * k * k))
    n_ops = 1 << 20
    x = rng.standard_normal(n_ops)
    mask = x > 0
    ops = {
        "sum": lambda: x.sum(),
        "add": lambda: x + 1.0,
        "multiply": lambda: x * 2.0,
        "divide": lambda: x / 3.0,
        "compare": lambda: x > 0.0,
        "maximum": lambda: np.maximum(x, 0.0),
        "clip": lambda: np.clip(x, -1.0, 1.0),
        "abs": lambda: np.abs(x),
        "where": lambda: np.where(mask, x, 0.0),
        "sqrt": lambda: np.sqrt(np.abs(x)),
        "exp": lambda: np.exp(x),
        "tanh": lambda: np.tanh(x),
        "log": lambda: np.log(np.abs(x) + 1.0),
        "copy": lambda: x.copy(),
        # a second operator on the first one's temporary, which NumPy reuses in place
        "chained": lambda: x * 2.0 + 1.0,
    }
    for name, fn in ops.items():
        emit("op", name=name, ns_per_element=median_seconds(fn, repeats=9) * 1e9 / n_ops)
    # x = np.asarray(x) of a list of floats: free for an array, a per-item Python conversion for a list
    n_list = 1 << 18
    floats = x[:n_list].tolist()
    emit("op", name="asarray_list", ns_per_element=median_seconds(lambda: np.asarray(floats), repeats=7) * 1e9 / n_list)
    n = m = 256
    for d in (1, 2, 3, 4, 8, 16, 32, 64):
        x = rng.random((n, d))
        y = rng.random((m, d))
        seconds = median_seconds(lambda: np.sqrt(((x[:, None] - y[None]) ** 2).sum(-1)), repeats=15)
        emit("pairwise", d=d, ns_per_element=seconds * 1e9 / (n * m * d))


if __name__ == "__main__":
    main()
