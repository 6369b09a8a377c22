// The two workloads of the profile benchmarks, without their `import numpy as np` (the pauses benchmark times
// the import apart). Fixed work (not deadlines), so a slower run is a costlier profiler, never a shorter program.
export const WORKLOAD_BODIES = {
  'element loop': `
def scale_sum(a):
    total = 0.0
    for i in range(len(a)):
        total += a[i] * 2.0
    return total

a = np.arange(12_000_000, dtype=np.float64)
print(scale_sum(a) > 0)
`,
  'NumPy kernels': `
def kernels(a, b, rounds):
    out = None
    for _ in range(rounds):
        out = np.sqrt(a * b + 1.0) / (a + 2.0)
    return out

rng = np.random.default_rng(0)
a = rng.random(2_000_000)
b = rng.random(2_000_000)
print(kernels(a, b, 240).sum() > 0)
`,
};
