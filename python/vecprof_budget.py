"""Measure a Python element loop against its NumPy equivalent across array sizes.

This helper only times and reports; every statistic is computed by vecprof in
TypeScript. Usage: vecprof_budget.py CONFIG_JSON

Method, per (kernel, size) cell:
- the statement is compiled into a timing function the way timeit does it, so a
  sample's only overhead is one `for _ in range(n)` iteration per call;
- warm-up calls, then the inner repeat count is doubled until one sample lasts
  about `sample_seconds`;
- the cycle garbage collector is off inside every timed region;
- perf_counter_ns (wall) and thread_time_ns (CPU of this thread) per sample;
- each cell's samples are taken in `passes` separate visits, `gap` steps apart
  (pass p of size i at step i + gap*p: a few sizes apart, not spread over the
  whole run, so sizes still finish one after another), and the loop and NumPy
  kernels of one size alternate sample by sample, so a slow stretch of the
  machine does not land on one column or one size.
"""
import gc
import json
import math
import sys
import time

import numpy as np

from vecprof_protocol import emit, hello

PERF = time.perf_counter_ns
THREAD = time.thread_time_ns

KERNELS = {
    # op: (loop setup, loop statement, numpy setup, numpy statement); the loop calls math.exp/math.tanh through
    # the module, as the label "out[i] = math.exp(a[i])" says and as most code is written.
    "sum": (
        "",
        "total = 0.0\nfor x in a:\n    total += x",
        "",
        "a.sum()",
    ),
    "exp": (
        "out = np.empty_like(a); n = len(a)",
        "for i in range(n):\n    out[i] = math.exp(a[i])",
        "",
        "np.exp(a)",
    ),
    "tanh": (
        "out = np.empty_like(a); n = len(a)",
        "for i in range(n):\n    out[i] = math.tanh(a[i])",
        "",
        "np.tanh(a)",
    ),
}

TEMPLATE = """
def timed(_reps, a, np, _perf, _thread):
    {setup}
    _t0 = _perf(); _c0 = _thread()
    for _i in range(_reps):
        {stmt}
    _c1 = _thread(); _t1 = _perf()
    return _t1 - _t0, _c1 - _c0
"""


def _indent(code, spaces):
    pad = " " * spaces
    return ("\n" + pad).join(code.splitlines()) or "pass"


def make_timer(setup, stmt):
    src = TEMPLATE.format(setup=_indent(setup, 4), stmt=_indent(stmt, 8))
    namespace = {"math": math}
    exec(compile(src, "<vecprof-budget>", "exec"), namespace)
    return namespace["timed"]


def run_sample(timer, reps, a, cpu_clock=THREAD):
    """One timed sample: (wall ns, CPU ns). cpu_clock is thread_time_ns by default; a kernel that runs on
    several threads (BLAS) passes process_time_ns so its CPU time counts every thread."""
    gc.disable()
    try:
        return timer(reps, a, np, PERF, cpu_clock)
    finally:
        gc.enable()


def calibrate(timer, a, sample_ns, max_reps=1 << 24):
    """Warm up, then double the repeat count until one sample lasts sample_ns."""
    run_sample(timer, 1, a)
    run_sample(timer, 1, a)
    reps = 1
    while True:
        wall, _ = run_sample(timer, reps, a)
        if wall >= sample_ns or reps >= max_reps:
            return reps
        # jump close to the target instead of doubling blindly, never more than 16x at once
        grow = max(2, min(16, int(sample_ns / max(wall, 1))))
        reps *= grow


class Cell:
    def __init__(self, kernel, exp2, timer, array, cpu_clock=THREAD):
        self.kernel = kernel
        self.cpu_clock = cpu_clock
        self.exp2 = exp2
        self.timer = timer
        self.array = array
        self.reps = 0
        self.wall = []
        self.cpu = []
        self.spent_ns = 0

    def take(self, count):
        for _ in range(count):
            self.sample()

    def sample(self):
        wall, cpu = run_sample(self.timer, self.reps, self.array, self.cpu_clock)
        self.wall.append(wall / self.reps)
        self.cpu.append(cpu / self.reps)
        self.spent_ns += wall


def peak_bandwidth(nbytes, dtype, repeats, on_repeat=lambda done: None):
    """Copy and triad on arrays far beyond the last-level cache: the machine's streaming bandwidth.
    Bytes counted are every array pass the calls make: copy reads and writes n items (2n); the two-step triad
    multiply reads `other` and writes `dst`, add reads `dst` and `src` and writes `dst` (5n)."""
    n = max(1, nbytes // np.dtype(dtype).itemsize)
    src = np.ones(n, dtype=dtype)
    dst = np.empty_like(src)
    other = np.full(n, 2.0, dtype=dtype)
    np.copyto(dst, src)  # touch every page before timing
    results = {"copy": [], "triad": []}
    gc.disable()
    try:
        for _ in range(repeats):
            t0 = PERF()
            np.copyto(dst, src)
            t1 = PERF()
            results["copy"].append((2 * n * src.itemsize) / ((t1 - t0) / 1e9))
            t0 = PERF()
            np.multiply(other, 3.0, out=dst)
            np.add(dst, src, out=dst)
            t1 = PERF()
            # multiply: read other, write dst; add: read dst and src, write dst
            results["triad"].append((5 * n * src.itemsize) / ((t1 - t0) / 1e9))
            on_repeat(len(results["copy"]))
    finally:
        gc.enable()
    return n * src.itemsize, results


def sample_pass(cells, pass_no, passes, min_samples, min_ns, max_ns):
    """One visit to a size: its cells (kernels or versions) alternate sample by sample until each has this pass's
    share of the samples and time (the last pass tops up to the full quota), or reaches its share of the time cap."""
    share_samples = math.ceil(min_samples * (pass_no + 1) / passes)
    share_ns = min_ns * (pass_no + 1) / passes
    cap_ns = max_ns * (pass_no + 1) / passes
    while True:
        pending = [c for c in cells if (len(c.wall) < share_samples or c.spent_ns < share_ns) and c.spent_ns < cap_ns]
        if not pending:
            return
        for cell in pending:
            cell.sample()


def schedule(cell_count, passes, gap):
    """Visit order: pass p of cell c happens at step c + p*gap, so a cell's visits are `gap` steps apart (a slow
    second lands on a share of several cells, not all of one) and cells still finish one after another (a Ctrl-C
    keeps the finished ones). They are not spread over the whole run: every cell would then finish at the end."""
    steps = {}
    for c in range(cell_count):
        for p in range(passes):
            steps.setdefault(c + p * gap, []).append((c, p))
    order = []
    for s in sorted(steps):
        order.extend(sorted(steps[s], key=lambda cp: -cp[1]))  # finishing passes first
    return order


def main():
    config = json.loads(sys.argv[1])
    op = config["op"]
    dtype = np.dtype(config["dtype"])
    exps = config["exponents"]
    loop_max = config["loop_max_exponent"]
    sample_ns = int(config["sample_seconds"] * 1e9)
    min_samples = config["min_samples"]
    min_ns = int(config["min_cell_seconds"] * 1e9)
    max_ns = int(config["max_cell_seconds"] * 1e9)
    passes = config["passes"]
    rng = np.random.default_rng(config["seed"])

    if op not in KERNELS:
        emit("error", message=f"unknown op {op!r}", hint="use one of: " + ", ".join(KERNELS))
        return 2
    loop_setup, loop_stmt, np_setup, np_stmt = KERNELS[op]
    hello("budget", op=op, dtype=str(dtype))

    if config.get("peak_bytes"):
        repeats = config.get("peak_repeats", 7)
        emit("phase", name="peak", steps=repeats, label="peak bandwidth")
        t0 = PERF()
        nbytes, bw = peak_bandwidth(
            config["peak_bytes"], dtype, repeats, lambda done: emit("peak_progress", done=done, total=repeats)
        )
        emit("peak", bytes=nbytes, copy_bytes_per_s=bw["copy"], triad_bytes_per_s=bw["triad"], wall_ns=PERF() - t0)

    loop_timer = make_timer(loop_setup, loop_stmt)
    np_timer = make_timer(np_setup, np_stmt)
    rows = []
    for e in exps:
        # exponents may be fractional (the cost-model calibration uses half steps around the cache knee)
        a = rng.random(int(round(2 ** e))).astype(dtype, copy=False)
        row = [Cell("numpy", e, np_timer, a)]
        if e <= loop_max:
            row.append(Cell("loop", e, loop_timer, a))
        rows.append(row)

    order = schedule(len(rows), passes, config.get("gap", 3))
    emit("plan", steps=len(order), cells=sum(len(r) for r in rows))
    done_steps = 0
    for index, pass_no in order:
        row = rows[index]
        for cell in row:
            if cell.reps == 0:
                cell.reps = calibrate(cell.timer, cell.array, sample_ns)
        last = pass_no == passes - 1
        sample_pass(row, pass_no, passes, min_samples, min_ns, max_ns)
        done_steps += 1
        if last:
            for cell in row:
                emit(
                    "cell",
                    kernel=cell.kernel,
                    exponent=cell.exp2,
                    size=len(cell.array),
                    itemsize=cell.array.itemsize,
                    reps=cell.reps,
                    wall_ns=[round(x, 2) for x in cell.wall],
                    cpu_ns=[round(x, 2) for x in cell.cpu],
                    spent_ns=cell.spent_ns,
                )
            row.clear()  # free the array as soon as its cells are reported
            gc.collect()
        emit("progress", done=done_steps, total=len(order))
    emit("done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
