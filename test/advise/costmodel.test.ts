import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COST_MODEL_SCHEMA, effectiveCache, interpolate, memoryWeight, predictLoopSeconds, predictVectorizedSeconds, type CostModel } from '../../src/advise/costmodel.js';
import { runCli } from '../../testkit/run-cli.js';

const model: CostModel = {
  schema: COST_MODEL_SCHEMA,
  createdAt: '2026-01-01T00:00:00Z',
  machine: { cpuModel: 'test', logicalCpus: 2 },
  python: { executable: 'python3', version: '3.11.7', numpy: '2.0' },
  loopPerElementNs: 45,
  numpyPerCallNs: 600,
  cacheBytesPerSecond: 50e9,
  memoryBytesPerSecond: 16e9,
  inCachePeak: [{ bytes: 2 ** 20, bytesPerSecond: 50e9 }],
  memorySource: 'copy/triad',
  memoryReadBytesPerSecond: 16e9 / 2,
  llcBytes: 32 * 2 ** 20,
  matmul: [
    { k: 4, nsPerFma: 2 },
    { k: 16, nsPerFma: 0.1 },
  ],
  pairwise: [{ d: 3, nsPerElement: 8 }],
  ops: { add: 0.1 },
  conditions: { logicalCpus: 2, loadAverageStart: 0.1, loadAverageEnd: 0.1, underLoad: false, noise: 0.01, warnings: [] },
};

test('a small array is priced at the in-cache peak plus the call overhead', () => {
  // 1024 float64 in and out: 16 KiB at 50 GB/s = 0.33 µs, plus 0.6 µs per call
  const s = predictVectorizedSeconds(model, { elements: 1024, bytesPerElement: 16 });
  assert.ok(Math.abs(s - (600e-9 + (1024 * 16) / 50e9)) < 1e-15, String(s));
});

test('a working set beyond the last-level cache is priced at memory bandwidth', () => {
  const n = 2 ** 24; // 128 MiB read as float64
  const s = predictVectorizedSeconds(model, { elements: n, bytesPerElement: 8, calls: 2 });
  assert.ok(Math.abs(s - (2 * 600e-9 + (n * 8) / 16e9)) < 1e-12, String(s));
});

test('calibration tables interpolate in log-log and clamp at their ends', () => {
  const table = model.matmul.map((m) => ({ x: m.k, y: m.nsPerFma }));
  assert.equal(interpolate(table, 2), 2);
  assert.equal(interpolate(table, 64), 0.1);
  const mid = interpolate(table, 8)!; // halfway in log k: the geometric mean of 2 and 0.1
  assert.ok(Math.abs(mid - Math.sqrt(0.2)) < 1e-12, String(mid));
  assert.equal(interpolate([], 8), null);
});

test('a working set that fits the cache is priced at the in-cache peak even when the bytes moved do not', () => {
  const n = 1_000_000; // 8 MB in, 8 MB out, moved twice
  const s = predictVectorizedSeconds(model, { elements: n, bytesPerElement: 32, calls: 2, workingSetBytes: 2 * n * 8 });
  assert.ok(Math.abs(s - (2 * 600e-9 + (n * 32) / 50e9)) < 1e-12);
});

test('around the cache knee the price moves smoothly from cache to memory speed', () => {
  const llc = model.llcBytes!;
  assert.equal(memoryWeight(model, llc / 2), 0);
  assert.equal(memoryWeight(model, llc * 2), 1);
  assert.ok(Math.abs(memoryWeight(model, llc) - 0.5) < 1e-12, 'halfway at the knee itself');
  // Without the fixed per-call cost, the price per byte can only rise as the working set leaves the cache.
  const streaming = { ...model, numpyPerCallNs: 0 };
  const at = (bytes: number): number => predictVectorizedSeconds(streaming, { elements: bytes / 8, bytesPerElement: 8, workingSetBytes: bytes });
  const perByte = [llc / 2, llc / 1.1, llc, llc * 1.1, llc * 2].map((b) => at(b) / b);
  for (let i = 1; i < perByte.length; i++) assert.ok(perByte[i]! >= perByte[i - 1]! * (1 - 1e-12), `cost per byte never falls (${perByte.join(', ')})`);
  assert.ok(perByte[4]! > 3 * perByte[0]!, 'memory is priced well above cache');
});

test('the cache the prices assume is the measured knee, but not below half of what sysfs reports', () => {
  const MiB = 2 ** 20;
  assert.equal(effectiveCache(24 * MiB, 32 * MiB), 24 * MiB);
  assert.equal(effectiveCache(6 * MiB, 32 * MiB), 16 * MiB);
  assert.equal(effectiveCache(null, 32 * MiB), 32 * MiB);
  assert.equal(effectiveCache(6 * MiB, null), 6 * MiB);
});

test('the loop is priced per iteration', () => {
  assert.equal(predictLoopSeconds(model, 1_000_000), 0.045);
});

test('budget --calibrate measures the model and caches it per machine and interpreter', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'vecprof-cache-'));
  const r = await runCli(['budget', '--calibrate', '--json'], { env: { VECPROF_CACHE_DIR: cache }, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as CostModel;
  assert.equal(printed.schema, COST_MODEL_SCHEMA);
  assert.ok(printed.loopPerElementNs > 1 && printed.loopPerElementNs < 1000, `loop ${printed.loopPerElementNs} ns`);
  assert.ok(printed.numpyPerCallNs > 10 && printed.numpyPerCallNs < 100_000, `call ${printed.numpyPerCallNs} ns`);
  assert.ok(printed.memoryBytesPerSecond > 1e8);
  // memory bandwidth is the streaming peak (copy/triad, read + written), which beats one read stream of a.sum()
  assert.equal(printed.memorySource, 'copy/triad');
  assert.ok(printed.memoryReadBytesPerSecond > 1e8 && printed.memoryReadBytesPerSecond < printed.memoryBytesPerSecond, JSON.stringify(printed));
  // the in-cache peak is measured on arrays that fit the cache: faster than memory, never rising with size
  assert.deepEqual(printed.inCachePeak.map((p) => p.bytes), [512 * 1024, 2 * 2 ** 20, 8 * 2 ** 20]);
  assert.ok(printed.inCachePeak[0]!.bytesPerSecond > printed.memoryBytesPerSecond, JSON.stringify(printed.inCachePeak));
  for (let i = 1; i < printed.inCachePeak.length; i++) assert.ok(printed.inCachePeak[i]!.bytesPerSecond <= printed.inCachePeak[i - 1]!.bytesPerSecond);
  // how quiet the machine was is recorded with the model
  assert.equal(typeof printed.conditions.underLoad, 'boolean');
  assert.ok(printed.conditions.loadAverageStart >= 0 && printed.conditions.noise !== null && printed.conditions.noise >= 0);
  assert.deepEqual(printed.matmul.map((m) => m.k), [2, 4, 8, 16, 32, 64, 128, 256]);
  assert.ok(printed.pairwise.every((p) => p.nsPerElement > 0));
  for (const op of ['sum', 'add', 'compare', 'maximum', 'where', 'exp']) assert.ok(printed.ops[op]! > 0, `op ${op} calibrated`);
  const files = readdirSync(cache).filter((f) => f.startsWith('costmodel-'));
  assert.equal(files.length, 1);
  assert.deepEqual(JSON.parse(readFileSync(join(cache, files[0]!), 'utf8')), printed);
});
