import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../testkit/run-cli.js';

test('vecprof rule VEC001 prints the four doc sections', async () => {
  const r = await runCli(['rule', 'vec001']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^VEC001 \(element-loop\)\n/);
  for (const heading of ['What it does', 'Why is it slow', 'Example', 'Use instead']) assert.match(r.stdout, new RegExp(`^${heading}$`, 'm'));
});

test('vecprof rule --all lists every rule and the built-in codes', async () => {
  const r = await runCli(['rule', '--all']);
  assert.equal(r.code, 0);
  for (const code of ['VEC001', 'VEC002', 'VEC003', 'VEC004', 'VEC005', 'VEC006', 'LOG001', 'E999', 'E902']) assert.match(r.stdout, new RegExp(`^${code} `, 'm'));
  const json = JSON.parse((await runCli(['rule', '--all', '--json'])).stdout) as Array<{ code: string; doc: { useInstead: string } }>;
  assert.ok(json.every((c) => c.doc.useInstead.length > 0));
});

test('an unknown rule code, or none at all, is a usage error', async () => {
  const r = await runCli(['rule', 'VEC999']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown rule code: VEC999/);
  assert.equal(r.stdout, '');
  assert.equal((await runCli(['rule'])).code, 2);
});
