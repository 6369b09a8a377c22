// Ctrl-C reaches the program as SIGINT: each helper must still send the profile of what ran, then exit 130.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { helperPath } from '../../../src/paths.js';
import { fixture, pythonWithNumpy, FIXTURES } from './support.js';

interface Outcome {
  code: number | null;
  messages: Array<Record<string, unknown>>;
  secondsAfterSignal: number;
}

async function interruptAfter(helper: string, ms: number): Promise<Outcome> {
  const python = await pythonWithNumpy();
  const child = spawn(python.command, ['-u', helperPath(helper), '--script', fixture('hang.py')], {
    cwd: FIXTURES,
    env: { ...process.env, VECPROF_CHANNEL_FD: '3' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let channel = '';
  (child.stdio[3] as Readable).setEncoding('utf8').on('data', (d: string) => (channel += d));
  child.stderr?.resume();
  let signalledAt = 0;
  // Wait for hello, so the signal lands in the user's code and not in interpreter start-up.
  const timer = setInterval(() => {
    if (signalledAt === 0 && channel.includes('"hello"')) {
      signalledAt = -1;
      setTimeout(() => {
        signalledAt = performance.now();
        child.kill('SIGINT');
      }, ms);
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearInterval(timer);
  const messages = channel
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, messages, secondsAfterSignal: (performance.now() - signalledAt) / 1000 };
}

test('Ctrl-C during lines mode: hits of what ran, status 130, within a second', async () => {
  const out = await interruptAfter('vecprof_lines.py', 500);
  assert.equal(out.code, 130);
  assert.ok(out.secondsAfterSignal < 1, `took ${out.secondsAfterSignal.toFixed(2)} s`);
  const lines = out.messages.find((m) => m.type === 'lines');
  assert.ok(lines, 'lines message sent');
  const spin = (lines.lines as Array<{ line: number; hits: number }>).find((l) => l.line === 7);
  assert.ok((spin?.hits ?? 0) > 1000);
  assert.equal(out.messages.at(-1)?.type, 'exit');
  assert.equal(out.messages.at(-1)?.reason, 'interrupt');
});

test('Ctrl-C during memory mode: the buffers of what ran, status 130', async () => {
  const out = await interruptAfter('vecprof_memory.py', 500);
  assert.equal(out.code, 130);
  const memory = out.messages.find((m) => m.type === 'memory');
  assert.ok(memory, 'memory message sent');
  const held = (memory.lines as Array<{ line: number; bytesAtPeak: number }>).find((l) => l.line === 4);
  assert.equal(held?.bytesAtPeak, 8_000_000);
});
