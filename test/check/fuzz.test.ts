// Random (seeded) mutations of real Python files and notebooks through the whole per-file pipeline: whatever the
// bytes, the checker returns a list of well-formed findings and never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../testkit/run-cli.js';
import { getParser } from '../../src/check/parse.js';
import { checkBytes } from '../../src/check/pipeline.js';
import { allCodes } from '../../src/check/builtin-codes.js';
import type { FileKind } from '../../src/check/types.js';
import { seededRandom } from '../../src/budget/stats.js';


/** Our own fixtures, the shipped helpers, and the rules' fixtures (NumPy code that exercises every rule). */
function corpus(): Array<{ name: string; bytes: Uint8Array; kind: FileKind }> {
  const dirs = [join(REPO_ROOT, 'test', 'fixtures', 'check', 'infra'), join(REPO_ROOT, 'python'), join(REPO_ROOT, 'test', 'fixtures', 'check', 'rules')];
  const out: Array<{ name: string; bytes: Uint8Array; kind: FileKind }> = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      if (!name.endsWith('.py') && !name.endsWith('.ipynb')) continue;
      out.push({ name, bytes: readFileSync(join(dir, name)), kind: name.endsWith('.ipynb') ? 'notebook' : 'library' });
    }
  }
  return out;
}

type Mutation = (b: Uint8Array, r: () => number) => Uint8Array;
const pick = (n: number, r: () => number): number => Math.floor(r() * n);
const lines = (b: Uint8Array): string[] => Buffer.from(b).toString('latin1').split('\n');
const join_ = (ls: string[]): Uint8Array => Buffer.from(ls.join('\n'), 'latin1');

const MUTATIONS: Record<string, Mutation> = {
  flipByte: (b, r) => {
    const c = Uint8Array.from(b);
    if (c.length) c[pick(c.length, r)] ^= 1 << pick(8, r);
    return c;
  },
  truncate: (b, r) => b.slice(0, pick(b.length + 1, r)),
  deleteLine: (b, r) => {
    const ls = lines(b);
    ls.splice(pick(ls.length, r), 1);
    return join_(ls);
  },
  duplicateLine: (b, r) => {
    const ls = lines(b);
    const i = pick(ls.length, r);
    ls.splice(i, 0, ls[i] ?? '');
    return join_(ls);
  },
  insertNul: (b, r) => {
    const i = pick(b.length + 1, r);
    return Uint8Array.from([...b.slice(0, i), 0, ...b.slice(i)]);
  },
  insertInvalidUtf8: (b, r) => {
    const i = pick(b.length + 1, r);
    const bad = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80]][pick(5, r)]!;
    return Uint8Array.from([...b.slice(0, i), ...bad, ...b.slice(i)]);
  },
  insertPythonNoise: (b, r) => {
    const ls = lines(b);
    const noise = ['for', '):', '    ', '\t', '"""', "'", '[', 'lambda:', '# noqa', '%%', 'print(', '\\', 'np.append(a,', '\r'][pick(14, r)]!;
    const i = pick(ls.length, r);
    const line = ls[i] ?? '';
    const at = pick(line.length + 1, r);
    ls[i] = line.slice(0, at) + noise + line.slice(at);
    return join_(ls);
  },
  swapLines: (b, r) => {
    const ls = lines(b);
    const i = pick(ls.length, r);
    const j = pick(ls.length, r);
    [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
    return join_(ls);
  },
};

test('400 seeded mutations of real files: no throw, every result a valid finding list', async () => {
  const parser = await getParser();
  const files = corpus();
  assert.ok(files.length >= 5, 'enough seed files');
  const known = new Set(allCodes().map((c) => c.code));
  const enabled = new Set(known);
  const names = Object.keys(MUTATIONS);
  const r = seededRandom(0x5eed);
  let withFindings = 0;
  for (let i = 0; i < 400; i++) {
    const file = files[pick(files.length, r)]!;
    let bytes = file.bytes;
    const rounds = 1 + pick(3, r);
    const applied: string[] = [];
    for (let k = 0; k < rounds; k++) {
      const name = names[pick(names.length, r)]!;
      applied.push(name);
      bytes = MUTATIONS[name]!(bytes, r);
    }
    const what = `#${i} ${file.name} ${applied.join('+')}`;
    let findings;
    try {
      findings = checkBytes(parser, { bytes, kind: file.kind, enabled });
    } catch (err) {
      assert.fail(`${what} threw: ${(err as Error).stack}`);
    }
    assert.ok(Array.isArray(findings), what);
    if (findings.length) withFindings++;
    for (const f of findings) {
      assert.ok(known.has(f.code), `${what}: unknown code ${f.code}`);
      assert.equal(typeof f.message, 'string', what);
      assert.ok(f.message.length > 0, what);
      for (const k of ['line', 'column', 'endLine', 'endColumn'] as const) assert.ok(Number.isInteger(f[k]) && f[k] >= 1, `${what}: ${k}=${f[k]}`);
      assert.ok(f.endLine >= f.line, `${what}: end before start`);
      if (file.kind === 'notebook' && f.code !== 'E902') assert.ok(Number.isInteger(f.cell) && f.cell! >= 1, `${what}: notebook finding without a cell`);
    }
  }
  assert.ok(withFindings > 50, `mutations produce findings (E999/E902 at least): ${withFindings}`);
});
