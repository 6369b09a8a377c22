// `vecprof budget compare A B` end to end: the change table, damaged files, other workloads, partial files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLines, REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import type { BudgetResult } from '../../src/budget/types.js';
import { tempDir, TINY } from './cli-kit.js';

test('compare: two runs give a per-size change table; a bad file is a usage error', async () => {
  const a = tempDir();
  const b = tempDir();
  for (const dir of [a, b]) {
    const r = await runCli([...TINY, '--sizes', '4,8', '--out', dir], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
  }
  const r = await runCli(['budget', 'compare', join(a, 'budget.json'), join(b, 'budget.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /B \/ A \(95 % CI\)/);
  assert.match(r.stdout, /^\s+16\s/m);
  assert.match(r.stdout, /^\s+256\s/m);

  const bad = await runCli(['budget', 'compare', join(a, 'budget.json'), join(a, 'nope.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no such file: .*nope\.json/);
  const notBudget = await runCli(['budget', 'compare', join(REPO_ROOT, 'package.json'), join(a, 'budget.json')]);
  assert.equal(notBudget.code, 2);
  assert.match(notBudget.stderr, /is not a vecprof budget result/);

  // Variants of a good file, as an editor, a crash or another workload would leave them.
  const good = JSON.parse(readFileSync(join(a, 'budget.json'), 'utf8')) as Record<string, unknown> & BudgetResult;
  const variant = (name: string, edit: (r: BudgetResult) => void): string => {
    const copy = structuredClone(good);
    edit(copy);
    const path = join(a, name);
    writeFileSync(path, JSON.stringify(copy));
    return path;
  };

  // (a) schema-valid but damaged: one line naming the file and the field, exit 2 (was "internal error", exit 70).
  const noWall = variant('no-wall.json', (r) => delete (r.cells[1] as Partial<BudgetResult['cells'][number]>).wall);
  const noEnv = variant('no-env.json', (r) => delete (r as Partial<BudgetResult>).environment);
  const badRow = variant('bad-row.json', (r) => ((r.rows[0] as unknown as Record<string, unknown>).ratio = { estimate: 'x' }));
  for (const [file, field] of [[noWall, 'cells\\[1\\]\\.wall'], [noEnv, 'environment'], [badRow, 'rows\\[0\\]\\.ratio\\.estimate']] as const) {
    const r = await runCli(['budget', 'compare', join(b, 'budget.json'), file]);
    assert.equal(r.code, 2, r.stderr);
    const lines = logLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!.msg, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged: ${field} is missing or not`));
    assert.doesNotMatch(r.stderr, /internal error/);
  }

  // (a2) values no run writes: a time at or below zero (printed as a -336× speed-up before), a size not asked for.
  const negative = variant('negative.json', (r) => (r.cells[0]!.wallNs[0] = -3));
  const zeroRatio = variant('zero-ratio.json', (r) => (r.rows[0]!.ratio = { estimate: 0, low: 0, high: 1 }));
  const strayRow = variant('stray-row.json', (r) => (r.rows[1]!.exponent = 12));
  const strayCell = variant('stray-cell.json', (r) => (r.cells[0]!.exponent = 5));
  for (const [file, why] of [
    [negative, 'cells\\[0\\]\\.wallNs\\[0\\] must be above 0'],
    [zeroRatio, 'rows\\[0\\]\\.ratio\\.estimate must be above 0'],
    [strayRow, 'rows\\[1\\]\\.exponent is 12, not one of config\\.exponents'],
    [strayCell, 'cells\\[0\\]\\.exponent is 5, not one of config\\.exponents'],
  ] as const) {
    const r = await runCli(['budget', 'compare', join(b, 'budget.json'), file]);
    assert.equal(r.code, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`is damaged: ${why}`));
    assert.equal(r.stdout, '');
  }

  // (b) different workloads: refused unless --force, and then marked.
  const exp = variant('exp.json', (r) => (r.config.op = 'exp'));
  const refused = await runCli(['budget', 'compare', join(b, 'budget.json'), exp]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /measures sum\/float64 and .*exp\.json measures exp\/float64: their ratios are not comparable.*--force/);
  assert.equal(refused.stdout, '');
  const forced = await runCli(['budget', 'compare', '--force', join(b, 'budget.json'), exp]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /^! different workloads \(--force\)/m);

  // (c) an interrupted file is compared, but said to be partial, in the output and in a warning.
  const partial = variant('partial.json', (r) => {
    r.complete = false;
    r.interrupted = true;
    r.rows = r.rows.slice(0, 1);
    r.cells = r.cells.filter((c) => c.exponent === r.rows[0]!.exponent);
  });
  const withPartial = await runCli(['budget', 'compare', join(b, 'budget.json'), partial]);
  assert.equal(withPartial.code, 0, withPartial.stderr);
  assert.match(withPartial.stdout, /^B: .*partial\.json .*PARTIAL: interrupted, 1 of 2 sizes/m);
  assert.match(withPartial.stdout, /^! .*partial\.json is interrupted: 1 of 2 sizes; sizes it lacks show as –/m);
  assert.ok(logLines(withPartial.stderr).some((l) => l.level === 40 && /partial\.json is interrupted/.test(l.msg)));
  const asJson = await runCli(['budget', 'compare', '--json', join(b, 'budget.json'), partial]);
  assert.match((JSON.parse(asJson.stdout) as { warnings: string[] }).warnings.join('\n'), /partial\.json is interrupted/);
});
