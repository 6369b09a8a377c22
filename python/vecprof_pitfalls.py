"""Measure the seed's measurement pitfalls on this machine; vecprof turns the raw numbers into conclusions.

Usage: vecprof_pitfalls.py CONFIG_JSON   (config: quick, seed, sections: the subset to run, in order)

Sections, each one message:
- warmup: import numpy, then the first, second and warm calls of several functions, before anything else ran them;
- gc: an allocation-heavy block timed with the cycle collector on and off, over a large live heap;
- clocks: perf_counter / process_time / thread_time across a sleep, a one-thread kernel and a BLAS kernel;
- resolution: each clock's claimed and measured resolution, and a.sum() timed one call at a time vs batched;
- noise: 30 calibrated samples of one kernel, now;
- reduction: sums of float32/float64 data by a Python loop, np.sum, np.cumsum and math.fsum (the exact reference).
"""
import time

_IMPORT_T0 = time.perf_counter_ns()
import numpy as np  # noqa: E402  (timed on purpose: the import is part of the first-call cost)

_IMPORT_NS = time.perf_counter_ns() - _IMPORT_T0

import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

from vecprof_budget import PERF, THREAD, calibrate, make_timer, run_sample  # noqa: E402
from vecprof_protocol import emit, hello  # noqa: E402

PROCESS = time.process_time_ns


def py_loop(values):
    total = 0.0
    for v in values:
        total += v * v
    return total


def first_calls(rng, warm_samples):
    a = rng.random(1 << 16)
    m = rng.random((256, 256))
    v = rng.random(256)
    values = a[:2000].tolist()
    ops = [
        ("a.sum()", lambda: a.sum()),
        ("np.exp(a)", lambda: np.exp(a)),
        ("np.sort(a)", lambda: np.sort(a)),
        ("np.fft.fft(a)", lambda: np.fft.fft(a)),
        ("np.linalg.solve(m, v) 256×256", lambda: np.linalg.solve(m, v)),
        ("np.einsum('ij,jk->ik', m, m)", lambda: np.einsum("ij,jk->ik", m, m)),
        ("Python function (2000-float loop)", lambda: py_loop(values)),
    ]
    for name, call in ops:
        times = []
        for _ in range(2 + warm_samples):
            t0 = PERF()
            call()
            times.append(PERF() - t0)
        emit("warmup", op=name, first_ns=times[0], second_ns=times[1], warm_ns=times[2:])


def gc_block(rng, samples, live_objects, block_objects):
    keep = [[i] for i in range(live_objects)]  # a large live heap makes every full collection expensive
    collections = [0]

    def count(phase, info):
        if phase == "start":
            collections[0] += 1

    def block():
        made = []
        for i in range(block_objects):
            made.append((i, [i], {"i": i}))
        return made

    on, off, per_sample = [], [], []
    gc.callbacks.append(count)
    try:
        for s in range(2 * samples):
            enabled = s % 2 == 0  # interleaved: a slow stretch of the machine hits both
            gc.collect()
            if enabled:
                gc.enable()
            else:
                gc.disable()
            before = collections[0]
            t0 = PERF()
            block()
            elapsed = PERF() - t0
            gc.enable()
            (on if enabled else off).append(elapsed)
            if enabled:
                per_sample.append(collections[0] - before)
    finally:
        gc.callbacks.remove(count)
        gc.enable()
    emit(
        "gc",
        on_ns=on,
        off_ns=off,
        collections=per_sample,
        live_objects=len(keep),
        block_objects=block_objects,
        thresholds=list(gc.get_threshold()),
    )


def three_clocks(work, repeats):
    out = {"perf_ns": [], "process_ns": [], "thread_ns": []}
    for _ in range(repeats):
        p0, c0, t0 = PERF(), PROCESS(), THREAD()
        work()
        t1, c1, p1 = THREAD(), PROCESS(), PERF()
        out["perf_ns"].append(p1 - p0)
        out["process_ns"].append(c1 - c0)
        out["thread_ns"].append(t1 - t0)
    return out


def clocks(rng, quick):
    seconds = 0.02 if quick else 0.05
    big = rng.random(1 << 22)
    m = rng.random((512, 512)) if quick else rng.random((768, 768))
    m @ m  # start BLAS's threads before measuring
    # OpenBLAS's workers spin for a while after a product: idle until they sleep, or process_time would count their
    # spinning against the sleep and the one-thread kernel measured next.
    time.sleep(0.5)

    def single():
        end = PERF() + int(seconds * 1e9)
        while PERF() < end:
            big.sum()

    kernels = [
        ("sleep", f"time.sleep({seconds})", lambda: time.sleep(seconds)),
        ("one thread", "a.sum() repeated (NumPy, one thread)", single),
        ("BLAS", f"m @ m, {m.shape[0]}×{m.shape[0]} (BLAS threads)", lambda: m @ m),
    ]
    for kind, label, work in kernels:
        emit("clocks", kernel=kind, label=label, **three_clocks(work, 3 if quick else 5))


def resolution(rng, quick):
    for name, fn in (("perf_counter", PERF), ("process_time", PROCESS), ("thread_time", THREAD), ("monotonic", time.monotonic_ns)):
        info = time.get_clock_info(name)
        deltas = []
        for _ in range(2000 if quick else 20000):
            deltas.append(-fn() + fn())
        nonzero = [d for d in deltas if d > 0]
        emit(
            "resolution",
            clock=name,
            implementation=info.implementation,
            claimed_s=info.resolution,
            min_step_ns=min(nonzero) if nonzero else None,
            median_read_ns=statistics.median(deltas),
            zero_share=1 - len(nonzero) / len(deltas),
        )
    timer = make_timer("", "a.sum()")
    single_samples = 101 if quick else 401
    for exponent in range(0, 21, 4 if quick else 2):
        a = rng.random(1 << exponent)
        reps = calibrate(timer, a, 200_000)  # short batched samples: preemption hits them as rarely as single calls
        batched = [run_sample(timer, reps, a)[0] / reps for _ in range(15 if quick else 41)]
        # One call between two perf_counter reads, as a hand-written benchmark does (PERF as the CPU clock too, so
        # the timer's second clock costs 40 ns instead of thread_time's syscall).
        single = [run_sample(timer, 1, a, PERF)[0] for _ in range(single_samples)]
        emit("unbatched", size=1 << exponent, reps=reps, batched_ns=batched, single_ns=single)


def noise(rng, samples):
    a = rng.random(1 << 16)
    timer = make_timer("", "a.sum()")
    reps = calibrate(timer, a, 2_000_000)
    wall, cpu = [], []
    for _ in range(samples):
        w, c = run_sample(timer, reps, a)
        wall.append(w / reps)
        cpu.append(c / reps)
    emit("noise", kernel="a.sum(), 65536 float64", reps=reps, wall_ns=wall, cpu_ns=cpu)


def cancelling(rng, n):
    """Terms in [1, 2), then their near-opposites: the running sum climbs to ~0.75 n and cancels down to ~1000×
    less, so every rounding made on the way up survives in the small result."""
    v = rng.uniform(1.0, 2.0, n // 2)
    negatives = -v * (1.0 - 1e-3)
    rng.shuffle(negatives)
    return np.concatenate([v, negatives])


def reduction(rng, n):
    datasets = {"well-conditioned": rng.random(n), "cancelling": cancelling(rng, n)}
    for data_name, data in datasets.items():
        for dtype in (np.float32, np.float64):
            x = data.astype(dtype)
            exact = math.fsum(x.tolist())  # float32 values are exact in float64: this is the true sum, rounded once
            total = dtype(0.0)
            for value in x:  # NumPy scalars keep the dtype: this is the naive float32/float64 accumulation
                total += value
            sums = {
                "Python loop": float(total),
                "np.cumsum(a)[-1] (sequential in C)": float(np.cumsum(x)[-1]),
                "np.sum(a) (pairwise)": float(np.sum(x)),
            }
            if dtype == np.float32:
                sums["np.sum(a, dtype=np.float64)"] = float(np.sum(x, dtype=np.float64))
            emit(
                "reduction",
                data=data_name,
                dtype=np.dtype(dtype).name,
                n=n,
                exact=exact,
                ulp=float(np.spacing(dtype(abs(exact)))),
                magnitude=math.fsum(abs(v) for v in x.tolist()),
                sums=sums,
            )


def main():
    config = json.loads(sys.argv[1])
    quick = bool(config.get("quick"))
    rng = np.random.default_rng(config.get("seed", 1))
    hello("pitfalls", quick=quick)
    emit("import", numpy_ns=_IMPORT_NS)
    steps = {
        "warmup": lambda: first_calls(rng, 10 if quick else 30),
        "gc": lambda: gc_block(rng, 10 if quick else 30, 200_000 if quick else 1_000_000, 30_000),
        "clocks": lambda: clocks(rng, quick),
        "resolution": lambda: resolution(rng, quick),
        "noise": lambda: noise(rng, 30),
        "reduction": lambda: reduction(rng, (1 << 18) if quick else (1 << 22)),
    }
    # A first call happens once per process: vecprof runs the warm-up section alone in several fresh processes.
    steps = [steps[name] for name in config.get("sections", list(steps))]
    emit("plan", steps=len(steps))
    for done, step in enumerate(steps, 1):
        step()
        emit("progress", done=done, total=len(steps))
    emit("done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
