// speedscope JSON (py-spy --format speedscope, or our own export) → Profile.
// py-spy writes one "sampled" profile per thread, stacks root first, each weight one sampling interval in
// seconds; we merge the threads and count samples. "evented" profiles (other tools) are turned into weighted stacks.
import { VecprofError } from '../../errors.js';
import type { Frame, Profile, SampleStacks } from '../model.js';
import { isNativeLocation } from '../split.js';
import { profileFromStacks, type StackImportOptions } from './stacks.js';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';
/** Our export's own field (speedscope ignores unknown fields): the sampling interval, so counts survive a round trip. */
export const INTERVAL_FIELD = 'vecprofIntervalSeconds';

const UNIT_SECONDS: Record<string, number | null> = {
  seconds: 1,
  milliseconds: 1e-3,
  microseconds: 1e-6,
  nanoseconds: 1e-9,
  none: null,
  bytes: null,
};

export interface SpeedscopeImportOptions extends StackImportOptions {
  /** Named in error messages. */
  source?: string;
}

type Json = Record<string, unknown>;

function bad(source: string, what: string): VecprofError {
  return new VecprofError(`${source} is not a valid speedscope file: ${what}`, {
    hint: 'export it again (py-spy record --format speedscope -o out.json) or check it is not truncated',
  });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readFrames(source: string, raw: unknown): Frame[] {
  if (!Array.isArray(raw)) throw bad(source, 'shared.frames is missing');
  return raw.map((f: unknown, i) => {
    if (!isObject(f) || typeof f.name !== 'string') throw bad(source, `frame ${i} has no name`);
    const file = typeof f.file === 'string' ? f.file : '';
    const line = typeof f.line === 'number' && Number.isFinite(f.line) ? f.line : 0;
    return { name: f.name, file, line, native: isNativeLocation(file, line) };
  });
}

function frameIndex(source: string, v: unknown, frames: number, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= frames) {
    throw bad(source, `${where} refers to frame ${String(v)}, but there are ${frames} frames`);
  }
  return v;
}

interface Weighted {
  frames: number[];
  weight: number;
}

function sampledStacks(source: string, p: Json, frames: number, name: string): Weighted[] {
  const samples = p.samples;
  const weights = p.weights;
  if (!Array.isArray(samples) || !Array.isArray(weights) || samples.length !== weights.length) {
    throw bad(source, `profile "${name}" needs samples and weights of the same length`);
  }
  return samples.map((s: unknown, i) => {
    if (!Array.isArray(s)) throw bad(source, `profile "${name}" sample ${i} is not a stack`);
    const w = weights[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw bad(source, `profile "${name}" weight ${i} is not a number`);
    return { frames: s.map((f) => frameIndex(source, f, frames, `profile "${name}" sample ${i}`)), weight: w };
  });
}

/** Open/close events → the stack that was open between consecutive events, weighted by the time between them. */
function eventedStacks(source: string, p: Json, frames: number, name: string): Weighted[] {
  const events = p.events;
  if (!Array.isArray(events)) throw bad(source, `profile "${name}" has no events`);
  const out: Weighted[] = [];
  const open: number[] = [];
  let last = typeof p.startValue === 'number' ? p.startValue : 0;
  for (const [i, e] of events.entries()) {
    if (!isObject(e) || (e.type !== 'O' && e.type !== 'C') || typeof e.at !== 'number') {
      throw bad(source, `profile "${name}" event ${i} is malformed`);
    }
    if (e.at < last) throw bad(source, `profile "${name}" event ${i} goes back in time`);
    if (e.at > last && open.length > 0) out.push({ frames: [...open], weight: e.at - last });
    last = e.at;
    const frame = frameIndex(source, e.frame, frames, `profile "${name}" event ${i}`);
    if (e.type === 'O') open.push(frame);
    else if (open.pop() !== frame) throw bad(source, `profile "${name}" event ${i} closes a frame that is not open`);
  }
  return out;
}

/** Parses speedscope JSON text into a Profile (sample mode). */
export function importSpeedscope(text: string, opts: SpeedscopeImportOptions = {}): Profile {
  const source = opts.source ?? 'the input';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw bad(source, `JSON does not parse (${(err as Error).message})`);
  }
  if (!isObject(doc)) throw bad(source, 'the top level is not an object');
  if (typeof doc.$schema === 'string' && !doc.$schema.includes('speedscope')) throw bad(source, `unknown $schema ${doc.$schema}`);
  if (!isObject(doc.shared)) throw bad(source, '"shared" is missing');
  const frames = readFrames(source, doc.shared.frames);
  if (!Array.isArray(doc.profiles)) throw bad(source, '"profiles" is missing');

  const merged = new Map<string, Weighted>();
  let secondsPerUnit: number | null | undefined;
  let duration = 0;
  let minWeight = Infinity;
  for (const [i, p] of doc.profiles.entries()) {
    if (!isObject(p)) throw bad(source, `profile ${i} is not an object`);
    const name = typeof p.name === 'string' ? p.name : `#${i}`;
    const unit = typeof p.unit === 'string' ? p.unit : 'none';
    if (!(unit in UNIT_SECONDS)) throw bad(source, `profile "${name}" has unknown unit ${unit}`);
    const scale = UNIT_SECONDS[unit]!;
    // Threads share one clock in py-spy's files; a mix of time and count units cannot be added up.
    if (secondsPerUnit !== undefined && (secondsPerUnit === null) !== (scale === null)) {
      throw bad(source, `profiles mix time units and counts (profile "${name}")`);
    }
    secondsPerUnit = scale;
    if (p.type !== 'sampled' && p.type !== 'evented') throw bad(source, `profile "${name}" has unknown type ${String(p.type)}`);
    const stacks = p.type === 'sampled' ? sampledStacks(source, p, frames.length, name) : eventedStacks(source, p, frames.length, name);
    if (typeof p.startValue === 'number' && typeof p.endValue === 'number' && scale !== null) {
      duration = Math.max(duration, (p.endValue - p.startValue) * scale);
    }
    for (const s of stacks) {
      if (s.weight <= 0 || s.frames.length === 0) continue;
      if (p.type === 'sampled') minWeight = Math.min(minWeight, s.weight);
      const key = s.frames.join(',');
      const m = merged.get(key);
      if (m) m.weight += s.weight;
      else merged.set(key, { frames: s.frames, weight: s.weight });
    }
  }

  // Weights in time units become sample counts: py-spy gives each sample one interval; evented time is counted in
  // milliseconds. Our own export says its interval outright.
  const declared = typeof doc[INTERVAL_FIELD] === 'number' && doc[INTERVAL_FIELD] > 0 ? doc[INTERVAL_FIELD] : undefined;
  let intervalSeconds: number | undefined;
  if (secondsPerUnit != null) {
    intervalSeconds = declared ?? (Number.isFinite(minWeight) ? minWeight * secondsPerUnit : 1e-3);
  }
  const perSample = intervalSeconds === undefined ? 1 : intervalSeconds / secondsPerUnit!;
  const stacks = [...merged.values()].map((s) => ({ frames: s.frames, weight: roundCount(s.weight / perSample) }));
  const samples: SampleStacks = { frames, stacks };
  if (intervalSeconds !== undefined) samples.intervalSeconds = intervalSeconds;
  const exporter = typeof doc.exporter === 'string' ? doc.exporter : 'speedscope';
  return profileFromStacks(
    samples,
    { tool: exporter, ...(duration > 0 ? { durationSeconds: duration } : {}) },
    opts,
  );
}

/** Float weights summed from intervals drift (0.01 × 3 = 0.030000000000000002); counts should read as counts. */
function roundCount(n: number): number {
  const r = Math.round(n);
  return Math.abs(n - r) < 1e-6 * Math.max(1, n) ? r : n;
}
