// A reader for Python's `marshal` format (versions 2–5), enough for the data files tools write with it:
// cProfile/pstats dumps above all. No npm package reads what Python 3.11+ writes, so this is our own.
// Code objects are refused: a .prof file never holds one, and we never execute anything we read.

/** Thrown with the byte offset where the input stopped making sense; importers turn it into a VecprofError. */
export class MarshalError extends Error {
  readonly offset: number;
  readonly truncated: boolean;
  constructor(message: string, offset: number, truncated: boolean) {
    super(message);
    this.name = 'MarshalError';
    this.offset = offset;
    this.truncated = truncated;
  }
}

export interface MarshalDict {
  kind: 'dict';
  entries: Array<[MarshalValue, MarshalValue]>;
}
export interface MarshalSet {
  kind: 'set' | 'frozenset';
  items: MarshalValue[];
}
export interface MarshalComplex {
  kind: 'complex';
  re: number;
  im: number;
}
export interface MarshalSlice {
  kind: 'slice';
  start: MarshalValue;
  stop: MarshalValue;
  step: MarshalValue;
}
export interface MarshalSingleton {
  kind: 'ellipsis' | 'stopiteration';
}

/**
 * Python values as read: None → null, bool, int → number (bigint past 2^53), float, str → string,
 * bytes → Uint8Array, tuple and list → arrays, dict → ordered entries (keys may be tuples, so no Map).
 */
export type MarshalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | MarshalValue[]
  | MarshalDict
  | MarshalSet
  | MarshalComplex
  | MarshalSlice
  | MarshalSingleton;

const FLAG_REF = 0x80;
// CPython refuses deeper nesting too (MAX_MARSHAL_STACK_DEPTH); it also keeps a hostile file from blowing our stack.
const MAX_DEPTH = 2000;
const NOT_YET = Symbol('reserved reference slot');

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

class Reader {
  private pos = 0;
  private readonly view: DataView;
  private readonly refs: Array<MarshalValue | typeof NOT_YET> = [];
  /** Python 2 only: every interned string ("t") is listed, and "R" refers back into the list. */
  private readonly interned: string[] = [];

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new MarshalError(`truncated at byte ${this.bytes.length} while reading ${what}`, this.bytes.length, true);
    }
  }

  private u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  private i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  private slice(n: number, what: string): Uint8Array {
    if (n < 0) throw new MarshalError(`negative length ${n} for ${what}`, this.pos - 4, false);
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A container of n items needs at least n more bytes: checking first keeps a forged count from allocating gigabytes. */
  private count(n: number, what: string): number {
    if (n < 0) throw new MarshalError(`negative size ${n} for ${what}`, this.pos - 4, false);
    if (n > this.bytes.length - this.pos) {
      throw new MarshalError(`truncated at byte ${this.bytes.length}: ${what} claims ${n} items`, this.bytes.length, true);
    }
    return n;
  }

  private text(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes);
    } catch {
      // marshal writes str with "surrogatepass", so lone surrogates are not valid UTF-8: replace them, keep the rest.
      return lenientUtf8.decode(bytes);
    }
  }

  private reserve(flag: boolean): number {
    if (!flag) return -1;
    this.refs.push(NOT_YET);
    return this.refs.length - 1;
  }

  private fill<T extends MarshalValue>(slot: number, value: T): T {
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  read(depth = 0): MarshalValue {
    if (depth > MAX_DEPTH) throw new MarshalError(`nesting deeper than ${MAX_DEPTH}`, this.pos, false);
    const at = this.pos;
    const code = this.u8('a type code');
    const flag = (code & FLAG_REF) !== 0;
    const type = String.fromCharCode(code & ~FLAG_REF);
    const slot = this.reserve(flag);
    switch (type) {
      case 'N':
        return this.fill(slot, null);
      case 'F':
        return this.fill(slot, false);
      case 'T':
        return this.fill(slot, true);
      case '.':
        return this.fill(slot, { kind: 'ellipsis' });
      case 'S':
        return this.fill(slot, { kind: 'stopiteration' });
      case 'i':
        return this.fill(slot, this.i32('an int'));
      case 'I': {
        this.need(8, 'an int64');
        const v = this.view.getBigInt64(this.pos, true);
        this.pos += 8;
        return this.fill(slot, narrow(v));
      }
      case 'l':
        return this.fill(slot, this.long());
      case 'g':
        return this.fill(slot, this.f64('a float'));
      case 'f':
        return this.fill(slot, this.textFloat());
      case 'y': {
        const re = this.f64('a complex');
        return this.fill(slot, { kind: 'complex', re, im: this.f64('a complex') });
      }
      case 'x': {
        const re = this.textFloat();
        return this.fill(slot, { kind: 'complex', re, im: this.textFloat() });
      }
      case 's':
        return this.fill(slot, this.slice(this.i32('a bytes length'), 'bytes'));
      case 'u':
        return this.fill(slot, this.text(this.slice(this.i32('a str length'), 'a str')));
      case 't': {
        const str = this.text(this.slice(this.i32('a str length'), 'a str'));
        this.interned.push(str);
        return this.fill(slot, str);
      }
      case 'R': {
        const index = this.i32('a string reference');
        const str = this.interned[index];
        if (str === undefined) throw new MarshalError(`bad string reference ${index} at byte ${at}`, at, false);
        return this.fill(slot, str);
      }
      case 'a':
      case 'A':
        return this.fill(slot, ascii(this.slice(this.i32('a str length'), 'a str')));
      case 'z':
      case 'Z':
        return this.fill(slot, ascii(this.slice(this.u8('a str length'), 'a str')));
      case '(':
      case '[':
        return this.sequence(this.count(this.i32('a tuple size'), 'a tuple'), slot, depth);
      case ')':
        return this.sequence(this.count(this.u8('a tuple size'), 'a tuple'), slot, depth);
      case '{':
        return this.dict(slot, depth);
      case '<':
      case '>':
        return this.set(type === '<' ? 'set' : 'frozenset', slot, depth);
      case ':': {
        const value: MarshalSlice = { kind: 'slice', start: null, stop: null, step: null };
        this.fill(slot, value);
        value.start = this.read(depth + 1);
        value.stop = this.read(depth + 1);
        value.step = this.read(depth + 1);
        return value;
      }
      case 'r':
        return this.ref();
      case '0':
        throw new MarshalError(`unexpected NULL at byte ${at}`, at, false);
      case 'c':
        throw new MarshalError(`a code object at byte ${at} (not a data file)`, at, false);
      default:
        throw new MarshalError(`unknown type code 0x${code.toString(16).padStart(2, '0')} at byte ${at}`, at, false);
    }
  }

  private sequence(n: number, slot: number, depth: number): MarshalValue[] {
    const items: MarshalValue[] = [];
    this.fill(slot, items);
    for (let i = 0; i < n; i++) items.push(this.read(depth + 1));
    return items;
  }

  private dict(slot: number, depth: number): MarshalDict {
    const value: MarshalDict = { kind: 'dict', entries: [] };
    this.fill(slot, value);
    for (;;) {
      this.need(1, 'a dict key');
      if (this.bytes[this.pos] === 0x30) {
        this.pos++;
        return value;
      }
      const key = this.read(depth + 1);
      value.entries.push([key, this.read(depth + 1)]);
    }
  }

  private set(kind: 'set' | 'frozenset', slot: number, depth: number): MarshalSet {
    const value: MarshalSet = { kind, items: [] };
    this.fill(slot, value);
    const n = this.count(this.i32('a set size'), 'a set');
    for (let i = 0; i < n; i++) value.items.push(this.read(depth + 1));
    return value;
  }

  private ref(): MarshalValue {
    const at = this.pos - 1;
    const index = this.i32('a reference');
    const value = index >= 0 && index < this.refs.length ? this.refs[index] : undefined;
    if (value === undefined || value === NOT_YET) {
      throw new MarshalError(`bad back-reference ${index} at byte ${at}`, at, false);
    }
    return value;
  }

  /** PyLong as 15-bit digits, least significant first; the sign of the digit count is the sign of the number. */
  private long(): number | bigint {
    const n = this.i32('a long size');
    const digits = this.count(Math.abs(n) * 2, 'a long') / 2;
    let v = 0n;
    for (let i = digits - 1; i >= 0; i--) {
      const d = this.view.getUint16(this.pos + i * 2, true);
      if (d > 0x7fff) throw new MarshalError(`bad long digit at byte ${this.pos + i * 2}`, this.pos + i * 2, false);
      v = (v << 15n) | BigInt(d);
    }
    this.pos += digits * 2;
    return narrow(n < 0 ? -v : v);
  }

  private textFloat(): number {
    const at = this.pos;
    const s = latin1.decode(this.slice(this.u8('a float length'), 'a float'));
    const v = s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s);
    if (Number.isNaN(v) && s !== 'nan') throw new MarshalError(`bad float text "${s}" at byte ${at}`, at, false);
    return v;
  }
}

/** Short ASCII strings (names, paths) dominate .prof files; a plain loop beats a TextDecoder call for them. */
function ascii(bytes: Uint8Array): string {
  if (bytes.length > 64) return latin1.decode(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Reads exactly one marshalled value; bytes left over are an error (a .prof file holds one dict, nothing after). */
export function readMarshal(bytes: Uint8Array): MarshalValue {
  const reader = new Reader(bytes);
  const value = reader.read();
  if (reader.offset !== bytes.length) {
    throw new MarshalError(`${bytes.length - reader.offset} unexpected bytes after the value at byte ${reader.offset}`, reader.offset, false);
  }
  return value;
}

export function isMarshalDict(v: MarshalValue): v is MarshalDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && v.kind === 'dict';
}
