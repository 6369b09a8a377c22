// The budget as a plot: time per call of both kernels against size (log-log), the ratio panel under it,
// and the cache boundaries as vertical rules, all in element counts of the swept dtype.
import type { SweepPlotSpec, PlotMarker } from '../render/plot.js';
import { formatBytes } from '../render/units.js';
import { arraysTouched } from './analyze.js';
import type { BudgetResult } from './types.js';

export function budgetPlotSpec(result: BudgetResult): SweepPlotSpec {
  const { config, rows, derived } = result;
  const itemsize = config.dtype === 'float32' ? 4 : 8;
  const bytesPerElement = itemsize * arraysTouched(config.op);
  const loopLabel = config.op === 'sum' ? 'Python loop (for x in a: total += x)' : `Python loop (out[i] = math.${config.op}(a[i]))`;
  const numpyLabel = config.op === 'sum' ? 'NumPy a.sum()' : `NumPy np.${config.op}(a)`;
  const seconds = (ns: number): number => ns / 1e9;
  const markers: PlotMarker[] = derived.boundaries.map((b) => ({
    x: b.upToBytes / bytesPerElement,
    label: `${b.regime === 'LLC' ? 'LLC' : b.regime} ${formatBytes(b.upToBytes)}`,
    kind: 'cache',
  }));
  if (derived.crossover?.kind === 'at') markers.push({ x: derived.crossover.size, label: 'crossover', kind: 'crossover' });
  return {
    title: `Vectorization budget: ${config.op} over ${config.dtype}`,
    subtitle: `${result.environment.machine.cpuModel} · Python ${result.environment.python.version} · NumPy ${result.environment.python.numpy ?? '?'}`,
    xLabel: 'array size (elements)',
    yLabel: 'time per call',
    yUnit: 'seconds',
    series: [
      {
        name: loopLabel,
        points: rows
          .filter((r) => r.loopNs)
          .map((r) => ({
            x: r.size,
            y: seconds(r.loopNs!.estimate),
            low: seconds(r.loopNs!.low),
            high: seconds(r.loopNs!.high),
            extrapolated: r.loopExtrapolated,
          })),
      },
      {
        name: numpyLabel,
        points: rows
          .filter((r) => r.numpyNs)
          .map((r) => ({ x: r.size, y: seconds(r.numpyNs!.estimate), low: seconds(r.numpyNs!.low), high: seconds(r.numpyNs!.high) })),
      },
    ],
    ratio: {
      label: 'loop / NumPy',
      points: rows
        .filter((r) => r.ratio)
        .map((r) => ({ x: r.size, y: r.ratio!.estimate, low: r.ratio!.low, high: r.ratio!.high, extrapolated: r.loopExtrapolated })),
      reference: 1,
    },
    markers,
  };
}
