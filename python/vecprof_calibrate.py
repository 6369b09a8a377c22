"""Micro-measurements the advisor's cost model needs beyond the sum budget.

    python vecprof_calibrate.py

Every message carries its raw timings ("samples_ns": nanoseconds per call, one per round); the TypeScript side picks
the estimate (a low quantile) and judges the noise. The measurements of one table are taken in rounds: each round
times every case once, so a burst of other work on the machine spreads over all the cases instead of spoiling one.

- "matmul": a batched `a @ w` (a: B×k×k, w: k×k) for several k, with its multiply-adds. Small products run far below
  BLAS peak and large ones near it, so the rate depends on the inner dimension.
- "pairwise": the broadcast distance matrix `sqrt(((x[:, None] - y[None]) ** 2).sum(-1))` over N×M×D elements for
  several row lengths D: short rows pay NumPy's per-inner-loop overhead on every pair.
- "op": common whole-array operations on 2^20 float64 (8 MiB, in the last-level cache), so a rewrite such as
  `np.where(x > 0, x, 0.0)` is priced by what its calls cost here, not by bytes alone (np.where and np.exp are
  compute-bound; a sum streams). "asarray_list" is np.asarray of a list of floats, per item: what
  `x = np.asarray(x)` costs when the program passes a list.
- "stream": the in-cache peak, `np.add(a, 1.0, out=b)` on arrays from 256 KiB to 4 MiB, with the bytes each call
  reads and writes (both arrays once). Each sample averages enough calls to last a fraction of a millisecond.
The garbage collector is off while timing.
"""
import gc
import time

import numpy as np

from vecprof_protocol import emit, hello

PERF = time.perf_counter_ns


def rounds(cases, n_rounds, inner=None):
    """Times every case once per round (after one warm-up call each): {name: [ns per call, …]}."""
    inner = inner or {}
    for fn in cases.values():
        fn()
    samples = {name: [] for name in cases}
    gc.disable()
    try:
        for _ in range(n_rounds):
            for name, fn in cases.items():
                calls = inner.get(name, 1)
                t0 = PERF()
                for _ in range(calls):
                    fn()
                samples[name].append((PERF() - t0) / calls)
    finally:
        gc.enable()
    return samples


def matmul(rng):
    cases, sizes = {}, {}
    for k in (2, 4, 8, 16, 32, 64, 128, 256):
        batch = max(1, (4 << 20) // (k * k * 8))  # about 4 MiB of input: in cache, many products
        a = rng.random((batch, k, k))
        w = rng.random((k, k))
        cases[k] = lambda a=a, w=w: a @ w
        sizes[k] = batch
    for k, samples in rounds(cases, 15).items():
        emit("matmul", k=k, batch=sizes[k], fmas=sizes[k] * k * k * k, samples_ns=samples)


def ops(rng):
    n = 1 << 20
    x = rng.standard_normal(n)
    mask = x > 0
    cases = {
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
    for name, samples in rounds(cases, 25).items():
        emit("op", name=name, elements=n, samples_ns=samples)
    # x = np.asarray(x) of a list of floats: free for an array, a per-item Python conversion for a list
    n_list = 1 << 18
    floats = x[:n_list].tolist()
    samples = rounds({"asarray_list": lambda: np.asarray(floats)}, 11)["asarray_list"]
    emit("op", name="asarray_list", elements=n_list, samples_ns=samples)


def pairwise(rng):
    n = m = 256
    cases = {}
    for d in (1, 2, 3, 4, 8, 16, 32, 64):
        x = rng.random((n, d))
        y = rng.random((m, d))
        cases[d] = lambda x=x, y=y: np.sqrt(((x[:, None] - y[None]) ** 2).sum(-1))
    for d, samples in rounds(cases, 15).items():
        emit("pairwise", d=d, elements=n * m * d, samples_ns=samples)


def stream():
    cases, inner, nbytes = {}, {}, {}
    for kib in (256, 1024, 4096):
        n = kib * 1024 // 8
        a = np.ones(n)
        b = np.empty(n)
        cases[kib] = lambda a=a, b=b: np.add(a, 1.0, out=b)
        inner[kib] = max(1, (16 << 20) // (n * 16))  # about 16 MiB moved per sample: a fraction of a millisecond
        nbytes[kib] = 2 * n * 8  # a read and b written, once each
    for kib, samples in rounds(cases, 41, inner).items():
        emit("stream", kernel="add", array_bytes=kib * 1024, bytes=nbytes[kib], samples_ns=samples)


def main():
    hello("calibrate")
    rng = np.random.default_rng(1)
    stream()
    matmul(rng)
    ops(rng)
    pairwise(rng)


if __name__ == "__main__":
    main()
