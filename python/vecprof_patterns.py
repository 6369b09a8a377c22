"""Time and weigh the versions of one vectorization pattern across a sweep of sizes.

The versions (Python statements with their setup) come from vecprof in the config; this helper only runs them
and reports. Usage: vecprof_patterns.py CONFIG_JSON

Two modes:
- "measure": per size, first each version's peak memory in an untimed run under tracemalloc (NumPy's buffers are
  traced in np.lib.tracemalloc_domain, so they count), then tracemalloc is stopped and every version is timed with
  vecprof_budget's method: timeit-style compiled timers, calibrated repeats, GC off in timed regions, interleaved
  passes, and versions alternating sample by sample within a size.
- "check": run every version once on small random inputs and compare its result with its group's baseline
  (the loop) using np.allclose, equal shapes and the expected dtype (the input dtype unless the version declares
  another), so a rewrite that computes something else, or in another precision, is caught. The baseline's own
  dtype is checked too. A version's check_facts expression (e.g. how many batches ran) is reported with it.
"""
import gc
import json
import sys
import time
import tracemalloc

import numpy as np

from vecprof_budget import PERF, THREAD, Cell, calibrate, make_timer, sample_pass, schedule
from vecprof_protocol import emit, hello

PROCESS = time.process_time_ns
CLOCKS = {"thread": THREAD, "process": PROCESS}


def optional_modules(versions):
    """Versions that need a module which is not importable are dropped, and the reason is reported."""
    available = []
    for v in versions:
        need = v.get("requires")
        if need:
            try:
                __import__(need)
            except ImportError as err:
                emit("unavailable", version=v["id"], module=need, reason=f"{need} not installed ({err})")
                continue
        available.append(v)
    return available


def make_inputs(code, n, dtype, seed):
    """Runs the pattern's input code; everything it defines (but np and rng) is handed to the versions."""
    namespace = {"np": np, "n": n, "dtype": np.dtype(dtype), "rng": np.random.default_rng(seed)}
    exec(compile(code, "<vecprof-pattern-inputs>", "exec"), namespace)
    return {k: v for k, v in namespace.items() if not k.startswith("_") and k not in ("np", "rng")}


def unpack_inputs(names):
    # Inputs become locals of the timing function, as they would be in the user's own function. The timer's
    # parameter `a` carries the dict; it is renamed first because an input may itself be called `a`.
    return "\n".join(["_inputs = a"] + [f"{k} = _inputs[{k!r}]" for k in sorted(names)])


def version_timer(version, inputs):
    return make_timer(unpack_inputs(inputs) + "\n" + version["setup"], version["stmt"])


def peak_memory(version, inputs):
    """Bytes the version holds at its peak beyond its inputs (its temporaries and its result), and what it keeps."""
    code = compile(version["setup"] + "\n" + version["stmt"], "<vecprof-pattern-memory>", "exec")
    # One untraced run first: imports (scipy) and one-off caches are not the version's memory.
    exec(code, dict(inputs, np=np))
    namespace = dict(inputs)
    namespace["np"] = np
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        exec(code, namespace)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    namespace.clear()
    gc.collect()
    return max(0, peak - base), max(0, current - base)


def measure(config):
    versions = {v["id"]: v for v in optional_modules(config["versions"])}
    sample_ns = int(config["sample_seconds"] * 1e9)
    min_samples = config["min_samples"]
    min_ns = int(config["min_cell_seconds"] * 1e9)
    max_ns = int(config["max_cell_seconds"] * 1e9)
    passes = config["passes"]

    rows = []
    for index, step in enumerate(config["plan"]):
        timed = [versions[v] for v in step["time"] if v in versions]
        weighed = [versions[v] for v in step["memory"] if v in versions]
        rows.append({"size": step["size"], "index": index, "timed": timed, "weighed": weighed, "cells": None})

    order = schedule(len(rows), passes, config.get("gap", 2))
    emit("plan", steps=len(order), cells=sum(len(r["timed"]) for r in rows))
    done = 0
    for index, pass_no in order:
        row = rows[index]
        if row["cells"] is None:
            row["cells"] = start_row(row, config)
        cells = row["cells"]
        sample_pass(cells, pass_no, passes, min_samples, min_ns, max_ns)
        if pass_no == passes - 1:
            for cell in cells:
                emit(
                    "cell",
                    version=cell.kernel,
                    size=row["size"],
                    reps=cell.reps,
                    clock="process" if cell.cpu_clock is PROCESS else "thread",
                    wall_ns=[round(x, 2) for x in cell.wall],
                    cpu_ns=[round(x, 2) for x in cell.cpu],
                    spent_ns=cell.spent_ns,
                )
            row["cells"] = []
            row["inputs"] = None  # free this size's arrays as soon as it is reported
            gc.collect()
        done += 1
        emit("progress", done=done, total=len(order), size=row["size"], finished=pass_no == passes - 1)
    emit("done")
    return 0


def start_row(row, config):
    """First visit of a size: make its inputs, weigh every version (untimed), then calibrate the timers."""
    if not row["timed"] and not row["weighed"]:
        return []  # nothing runs at this size (the memory guard): its inputs may not even fit, so they are not made
    inputs = make_inputs(config["inputs"], row["size"], config["dtype"], config["seed"] + row["index"])
    row["inputs"] = inputs
    for version in row["weighed"]:
        peak, kept = peak_memory(version, inputs)
        emit("memory", version=version["id"], size=row["size"], peak_bytes=peak, kept_bytes=kept)
    if tracemalloc.is_tracing():  # never time with allocation tracing on: it slows every allocation
        tracemalloc.stop()
    cells = []
    for version in row["timed"]:
        clock = CLOCKS[version.get("clock", "thread")]
        cell = Cell(version["id"], row["size"], version_timer(version, inputs), inputs, clock)
        cell.reps = calibrate(cell.timer, inputs, int(config["sample_seconds"] * 1e9))
        cells.append(cell)
    return cells


def run_once(version, inputs):
    """The version's result, and its check facts (a dict of numbers, or None)."""
    namespace = dict(inputs)
    namespace["np"] = np
    exec(compile(version["setup"] + "\n" + version["stmt"], "<vecprof-pattern-check>", "exec"), namespace)
    result = eval(compile(version["result"], "<vecprof-pattern-result>", "eval"), namespace)
    facts_code = version.get("check_facts")
    facts = eval(compile(facts_code, "<vecprof-pattern-facts>", "eval"), namespace) if facts_code else None
    return result, facts


def expected_dtype(version, dtype):
    return np.dtype(version.get("result_dtype") or dtype)


def dtype_problem(result, want):
    got = np.asarray(result).dtype
    return None if got == want else f"dtype {got}, expected {want}"


def compare(result, expected, want_dtype):
    """(ok, largest absolute difference, why not): equal shapes, the expected dtype, then np.allclose."""
    got = np.asarray(result, dtype=float)
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        return False, None, f"shape {got.shape} differs from the loop's {want.shape}"
    diff = float(np.max(np.abs(got - want))) if got.size else 0.0
    problem = dtype_problem(result, want_dtype)
    if problem:
        return False, diff, problem
    ok = bool(np.allclose(got, want))
    return ok, diff, None if ok else f"largest difference {diff:.3g}"


def check(config):
    versions = {v["id"]: v for v in optional_modules(config["versions"])}
    failures = 0
    cases = [
        (dtype, size, seed)
        for dtype in config.get("check_dtypes") or [config["dtype"]]
        for size in config["check_sizes"]
        for seed in range(config.get("check_seeds", 3))
    ]
    for dtype, size, seed in cases:
        inputs = make_inputs(config["inputs"], size, dtype, config["seed"] + seed)
        for group in config["groups"]:
            present = [v for v in group if v in versions]
            if not present or present[0] != group[0]:
                continue
            baseline = versions[group[0]]
            expected, facts = run_once(baseline, inputs)
            # The loop is the reference: it must itself compute in the dtype asked for.
            why = dtype_problem(expected, expected_dtype(baseline, dtype))
            failures += 0 if why is None else 1
            emit("check", version=group[0], baseline=group[0], dtype=dtype, size=size, seed=seed, ok=why is None, max_abs_diff=0.0, why=why, facts=facts)
            for vid in present[1:]:
                result, facts = run_once(versions[vid], inputs)
                ok, diff, why = compare(result, expected, expected_dtype(versions[vid], dtype))
                failures += 0 if ok else 1
                emit("check", version=vid, baseline=group[0], dtype=dtype, size=size, seed=seed, ok=ok, max_abs_diff=diff, why=why, facts=facts)
    emit("done", failures=failures)
    return 0


def main():
    config = json.loads(sys.argv[1])
    hello("patterns", pattern=config["pattern"], mode=config["mode"], tracemalloc_domain=int(np.lib.tracemalloc_domain))
    if config["mode"] == "check":
        return check(config)
    return measure(config)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
