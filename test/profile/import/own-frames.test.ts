// vecprof's launcher frames are taken out of sampled stacks at import, so a profile starts at the program's first frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PYTHON_HELPERS_DIR } from '../../../src/paths.js';
import { withoutOwnFrames } from '../../../src/profile/import/own-frames.js';
import { profileFromStacks } from '../../../src/profile/import/stacks.js';
import type { Frame, SampleStacks } from '../../../src/profile/model.js';

const RUN = join(PYTHON_HELPERS_DIR, 'vecprof_run.py');
const SAMPLE = join(PYTHON_HELPERS_DIR, 'vecprof_sample.py');
const LINES = join(PYTHON_HELPERS_DIR, 'vecprof_lines.py');
const USER = '/home/me/job.py';

// As py-spy records the sample launcher: a process root naming it, the helper's frames, the exec lambda, the program.
const frames: Frame[] = [
  { name: `process 42:"/usr/bin/python3 ${SAMPLE} --gate --script job.py --"`, file: '', line: 0, native: true }, // 0
  { name: '<module>', file: SAMPLE, line: 100 }, // 1
  { name: 'main', file: SAMPLE, line: 96 }, // 2
  { name: 'launch', file: RUN, line: 308 }, // 3
  { name: 'run', file: RUN, line: 213 }, // 4
  { name: '<lambda>', file: RUN, line: 144 }, // 5: the program's entry
  { name: '<module>', file: USER, line: 9 }, // 6
  { name: 'work', file: USER, line: 4 }, // 7
  { name: 'wait_for_sampler', file: SAMPLE, line: 85 }, // 8
  { name: '_find_and_load', file: '<frozen importlib._bootstrap>', line: 1176 }, // 9
  { name: 'count', file: LINES, line: 50 }, // 10: a line counter compiled into the program
  { name: 'DOUBLE_add', file: '/usr/lib/numpy/_multiarray_umath.so', line: 0, native: true }, // 11
  { name: 'helper', file: '/home/me/other.py', line: 3 }, // 12
];

const recorded: SampleStacks = {
  frames,
  stacks: [
    { frames: [0, 1, 2, 3, 4, 5, 6, 7, 11], weight: 5 }, // the program, with a native leaf
    { frames: [0, 1, 2, 3, 4, 5, 6], weight: 2 },
    { frames: [0, 1, 2, 3, 4, 8], weight: 3 }, // the gate, before the first line
    { frames: [0, 1, 9], weight: 1 }, // the launcher importing its own modules
    { frames: [0, 9], weight: 1 }, // the interpreter starting up in the launcher's process
    { frames: [0, 1, 2, 3, 4, 5, 6, 7, 10], weight: 4 }, // a counter below a user line
    { frames: [12], weight: 2 }, // a process vecprof did not start (multiprocessing spawn)
  ],
  intervalSeconds: 0.01,
};

const names = (s: SampleStacks): string[][] => s.stacks.map((st) => st.frames.map((i) => s.frames[i]!.name));

test('stacks start at the program, vecprof-only samples are dropped, counters below a user line go', () => {
  const out = withoutOwnFrames(recorded);
  assert.deepEqual(names(out), [['<module>', 'work', 'DOUBLE_add'], ['<module>'], ['<module>', 'work'], ['helper']]);
  assert.deepEqual(
    out.stacks.map((s) => s.weight),
    [5, 2, 4, 2],
  );
  assert.ok(!out.frames.some((f) => f.file.startsWith(PYTHON_HELPERS_DIR) || f.name.includes(PYTHON_HELPERS_DIR)), 'no frame of ours is left in the table');
  assert.equal(out.intervalSeconds, 0.01);
});

test('a recording without vecprof frames is returned as it is, and stripping twice changes nothing', () => {
  const plain: SampleStacks = { frames: [frames[6]!, frames[7]!], stacks: [{ frames: [0, 1], weight: 3 }] };
  assert.equal(withoutOwnFrames(plain), plain);
  const once = withoutOwnFrames(recorded);
  assert.equal(withoutOwnFrames(once), once);
});

test('lines mode names the entry by its qualified name; it is found all the same', () => {
  const s: SampleStacks = {
    frames: [{ name: 'main', file: LINES, line: 395 }, { name: '_prepare_script.<locals>.<lambda>', file: RUN, line: 144 }, frames[6]!],
    stacks: [{ frames: [0, 1, 2], weight: 1 }],
  };
  assert.deepEqual(names(withoutOwnFrames(s)), [['<module>']]);
});

test("the function table built from the stacks has none of vecprof's functions, and shares are of the program's samples", () => {
  const p = profileFromStacks(recorded, { tool: 'py-spy' });
  assert.deepEqual(p.functions.map((f) => f.name).sort(), ['<module>', 'helper', 'work']);
  const total = p.samples!.stacks.reduce((s, x) => s + x.weight, 0);
  assert.equal(total, 13);
  const work = p.lines.find((l) => l.line === 4)!;
  assert.equal(work.share, 9 / 13);
});
