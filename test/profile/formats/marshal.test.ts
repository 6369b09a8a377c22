import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarshalError, readMarshal, type MarshalValue } from '../../../src/profile/import/marshal.js';
import { python, seeded } from './python.js';

// Python writes each value with marshal (at several format versions) and, beside it, a tagged JSON picture of
// what it wrote; the reader must produce the same picture. Tuples and lists both read as arrays ("seq").
const CASES = String.raw`
import json, marshal, sys
shared = ("shared", 1)
s = "interned_name"
values = [
    None, True, False, 0, 1, -1, 255, 2**31 - 1, -2**31, 2**31, -2**31 - 1, 2**53, 2**62, -2**70, 10**40,
    0.0, -0.0, 1.5, -2.25e-300, 1e308, float("inf"), float("-inf"), float("nan"),
    "", "abc", "x" * 300, "héllo", "日本語", "emoji 😀", b"", b"\x00\xffbytes",
    (), (1,), (1, 2, 3), tuple(range(300)), [], [1, [2, [3]]],
    {}, {"a": 1, "b": [1, 2]}, {(1, "k"): None, 2.5: (3,)},
    {1, 2, 3}, frozenset({"a"}), 1 + 2j, Ellipsis,
    [shared, shared, (shared,)], [s, s, s, (s, s)], {("f.py", 1, "g"): ({("f.py", 1, "g"): 1},)},
]
def tag(v):
    if v is None or isinstance(v, bool) or isinstance(v, str): return v
    if isinstance(v, int): return {"int": str(v)}
    if isinstance(v, float): return {"float": repr(v)}
    if isinstance(v, bytes): return {"bytes": v.hex()}
    if isinstance(v, (tuple, list)): return {"seq": [tag(x) for x in v]}
    if isinstance(v, dict): return {"dict": [[tag(k), tag(x)] for k, x in v.items()]}
    if isinstance(v, (set, frozenset)): return {"set": sorted((json.dumps(tag(x)) for x in v))}
    if isinstance(v, complex): return {"complex": [repr(v.real), repr(v.imag)]}
    if v is Ellipsis: return "..."
    raise TypeError(v)
out = []
for version in (0, 1, 2, 4):
    for v in values:
        out.append({"version": version, "hex": marshal.dumps(v, version).hex(), "tag": tag(v)})
json.dump(out, sys.stdout)
`;

type Tag = null | boolean | string | { [k: string]: unknown };

function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** The reader's value as the same tagged picture; JS has one number type, so Python ints and floats both become "num". */
function tag(v: MarshalValue): Tag {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { num: v.toString() };
  if (typeof v === 'number') return { num: pyFloat(v) };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return { seq: v.map((x) => tag(x)) };
  switch (v.kind) {
    case 'dict':
      return { dict: v.entries.map(([k, x]) => [tag(k), tag(x)]) };
    case 'set':
    case 'frozenset':
      return { set: v.items.map((x) => JSON.stringify(tag(x))).sort() };
    case 'complex':
      return { complex: [pyFloat(v.re), pyFloat(v.im)] };
    case 'ellipsis':
      return '...';
    default:
      return { other: v.kind };
  }
}

/** Python's picture with ints and floats folded into "num" the way JS prints them. */
function expected(t: Tag): Tag {
  return JSON.parse(JSON.stringify(t), (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      const o = val as Record<string, unknown>;
      if (typeof o.int === 'string') return { num: o.int };
      if (typeof o.float === 'string') {
        const s = o.float;
        return { num: s === 'nan' || s === 'inf' || s === '-inf' ? s : String(Number(s)) };
      }
      if (Array.isArray(o.complex)) return { complex: (o.complex as string[]).map((s) => (/^(-?inf|nan)$/.test(s) ? s : String(Number(s)))) };
      if (Array.isArray(o.set)) {
        return { set: (o.set as string[]).map((s) => JSON.stringify(expected(JSON.parse(s) as Tag))).sort() };
      }
    }
    return val;
  }) as Tag;
}

const cases = JSON.parse(python(CASES).toString('utf8')) as Array<{ version: number; hex: string; tag: Tag }>;

test('reads every value shape Python marshals, at format versions 0, 1, 2 and 4', () => {
  assert.ok(cases.length > 150);
  for (const c of cases) {
    const value = readMarshal(Buffer.from(c.hex, 'hex'));
    assert.deepEqual(tag(value), expected(c.tag), `version ${c.version}: ${JSON.stringify(c.tag).slice(0, 80)}`);
  }
});

test('big integers stay exact: past 2^53 they come back as bigint', () => {
  const big = cases.find((c) => c.version === 4 && JSON.stringify(c.tag) === '{"int":"10000000000000000000000000000000000000000"}');
  assert.ok(big);
  assert.equal(readMarshal(Buffer.from(big.hex, 'hex')), 10n ** 40n);
  const neg = cases.find((c) => c.version === 4 && JSON.stringify(c.tag) === `{"int":"${String(-(2n ** 70n))}"}`);
  assert.equal(readMarshal(Buffer.from(neg!.hex, 'hex')), -(2n ** 70n));
});

test('back-references return the very object they point to (slot reserved before the children)', () => {
  const shared = cases.find((c) => c.version === 4 && JSON.stringify(c.tag).startsWith('{"seq":[{"seq":["shared"'));
  assert.ok(shared);
  const bytes = Buffer.from(shared.hex, 'hex');
  assert.ok(bytes.includes(0x72), 'the dump uses an r back-reference');
  const v = readMarshal(bytes) as MarshalValue[];
  assert.equal(v[0], v[1]);
  assert.equal((v[2] as MarshalValue[])[0], v[0]);
});

test('a self-containing list resolves to itself', () => {
  const hex = python('import marshal,sys; a=[1]; a.append(a); sys.stdout.write(marshal.dumps(a).hex())').toString();
  const v = readMarshal(Buffer.from(hex, 'hex')) as MarshalValue[];
  assert.equal(v[1], v);
});

test('truncated input is a MarshalError that says so and where, for every cut of every case', () => {
  for (const c of cases.filter((x) => x.version === 4)) {
    const bytes = Buffer.from(c.hex, 'hex');
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(
        () => readMarshal(bytes.subarray(0, cut)),
        (err: unknown) => err instanceof MarshalError && err.truncated && /truncated at byte/.test(err.message),
        `cut at ${cut} of ${c.hex}`,
      );
    }
  }
});

test('garbage never crashes or hangs the reader: only MarshalError or a value', () => {
  const rand = seeded(42);
  const sources = cases.filter((c) => c.version === 4).map((c) => Buffer.from(c.hex, 'hex'));
  for (let i = 0; i < 3000; i++) {
    const base = Buffer.from(sources[i % sources.length]!);
    const flips = 1 + Math.floor(rand() * 3);
    for (let f = 0; f < flips; f++) base[Math.floor(rand() * base.length)] = Math.floor(rand() * 256);
    try {
      readMarshal(base);
    } catch (err) {
      assert.ok(err instanceof MarshalError, `unexpected ${String(err)}`);
    }
  }
});

test('refuses code objects, unknown codes, bad references and trailing bytes with an offset', () => {
  const code = python('import marshal,sys; sys.stdout.buffer.write(marshal.dumps(compile("1","x","eval")))');
  assert.throws(() => readMarshal(code), /code object at byte 0/);
  assert.throws(() => readMarshal(Uint8Array.of(0x51)), /unknown type code 0x51 at byte 0/);
  assert.throws(() => readMarshal(Uint8Array.of(0x72, 5, 0, 0, 0)), /bad back-reference 5/);
  assert.throws(() => readMarshal(Uint8Array.of(0x4e, 0x4e)), /1 unexpected bytes after the value at byte 1/);
  assert.throws(() => readMarshal(Uint8Array.of(0x28, 0xff, 0xff, 0xff, 0x7f)), /claims 2147483647 items/);
});
