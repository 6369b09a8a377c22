// The report's memory section: what every profile knows (resident memory), and per-line memory from a memory pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemblePayload } from '../../src/report/assemble.js';
import type { Profile } from '../../src/profile/model.js';
import { tinyProfile } from './synth.js';

const FILE = '/nonexistent/vecprof-test/job.py';
const MiB = 1024 * 1024;

function payload(profile: Profile): ReturnType<typeof assemblePayload> {
  return assemblePayload({ title: 't', createdAt: new Date(0).toISOString(), profile, sources: {} });
}

test('a sample profile has a memory section with the peak resident memory it measured, and no per-line table', () => {
  const p = tinyProfile(FILE);
  p.meta.rss = { startBytes: 20 * MiB, endBytes: 90 * MiB, peakBytes: 120 * MiB, peakChildrenBytes: 0 };
  const m = payload(p).memory;
  assert.ok(m, 'a memory section');
  assert.equal(m.peakRssBytes, 120 * MiB);
  assert.equal(m.rssStartBytes, 20 * MiB);
  assert.equal(m.rssEndBytes, 90 * MiB);
  assert.equal(m.peakChildrenRssBytes, null, 'no children: nothing to say');
  assert.equal(m.traced, null, 'per-line memory needs a memory pass');
});

test('a memory pass adds the traced peak and the per-line table, busiest line first', () => {
  const p = tinyProfile(FILE);
  p.meta.rss = { startBytes: 20 * MiB, endBytes: 90 * MiB, peakBytes: 120 * MiB, peakChildrenBytes: 300 * MiB };
  p.memory = {
    peakTracedBytes: 80 * MiB,
    startBytes: MiB,
    endBytes: 2 * MiB,
    mechanism: 'numpy-handler',
    peakRssLine: { file: FILE, line: 7 },
    lines: [
      { file: FILE, line: 13, bytesAtPeak: 8 * MiB, allocatedBytes: 16 * MiB, numpyBytes: 16 * MiB, allocations: 2 },
      { file: FILE, line: 7, bytesAtPeak: 72 * MiB, allocatedBytes: 72 * MiB, numpyBytes: 72 * MiB, allocations: 1 },
    ],
  };
  const m = payload(p).memory!;
  assert.equal(m.peakRssBytes, 120 * MiB);
  assert.equal(m.peakChildrenRssBytes, 300 * MiB);
  assert.equal(m.peakRssLine?.line, 7);
  assert.equal(m.traced?.peakBytes, 80 * MiB);
  assert.equal(m.traced?.mechanism, 'numpy-handler');
  assert.deepEqual(m.traced?.lines.map((l) => l.line), [7, 13]);
});

test('a profile that knows nothing about memory (imported, no RSS reading) has no memory section', () => {
  const p = tinyProfile(FILE);
  delete p.meta.rss;
  assert.equal(payload(p).memory, null);
});
