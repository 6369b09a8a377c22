// memory mode: NumPy buffers traced to the user's lines (python/vecprof_memory.py), turned into the Profile model.
import { join } from 'node:path';
import { VecprofError } from '../../errors.js';
import { log } from '../../log.js';
import type { HelperMessage } from '../../python/worker.js';
import { writeFileAtomic } from '../../util/atomic.js';
import type { MemoryLineStat, MemoryStat, Profile } from '../model.js';
import { runLauncher, runMeta } from './launch.js';
import { arrayField, numberField, stringField } from './message-fields.js';
import type { RunOptions } from './types.js';

export const MEMORY_RAW_FILE = 'memory.json';

export type MemoryMechanism = 'auto' | 'numpy-handler' | 'tracemalloc';

export async function runMemory(opts: RunOptions & { mechanism?: MemoryMechanism }): Promise<Profile> {
  const started = new Date();
  const helperArgs = opts.mechanism && opts.mechanism !== 'auto' ? ['--mechanism', opts.mechanism] : [];
  const launched = await runLauncher(opts, { helper: 'vecprof_memory.py', helperArgs, label: 'memory profiler' });
  const raw = launched.messages.find((m) => m.type === 'memory');
  if (!raw) {
    throw new VecprofError('the memory profiler wrote no profile: the program was killed before it could report', {
      hint: 'a program stuck in one long native call cannot stop in time; raise --timeout',
    });
  }
  if (opts.outDir !== undefined) await writeFileAtomic(join(opts.outDir, MEMORY_RAW_FILE), JSON.stringify(raw));
  const fallback = launched.hello?.fallback;
  if (typeof fallback === 'string') log.warn(`NumPy's memory handler could not be used (${fallback}): tracing with tracemalloc, which is much slower`);
  const { memory, mechanism } = parseMemoryMessage(raw);
  return {
    version: 1,
    meta: runMeta(opts, launched, { mode: 'memory', found: describePeak(memory) }, started, toolName(mechanism)),
    functions: [],
    lines: [],
    memory,
  };
}

export function parseMemoryMessage(msg: HelperMessage): { memory: MemoryStat; mechanism: string } {
  const lines: MemoryLineStat[] = arrayField(msg, 'lines', 'memory').map((item) => {
    const stat: MemoryLineStat = {
      file: stringField(item, 'file', 'memory line'),
      line: numberField(item, 'line', 'memory line'),
      bytesAtPeak: numberField(item, 'bytesAtPeak', 'memory line'),
      allocatedBytes: numberField(item, 'allocatedBytes', 'memory line'),
      numpyBytes: numberField(item, 'numpyBytes', 'memory line'),
      allocations: numberField(item, 'allocations', 'memory line'),
    };
    if (item.rssGrowthBytes !== undefined) stat.rssGrowthBytes = numberField(item, 'rssGrowthBytes', 'memory line');
    return stat;
  });
  lines.sort((a, b) => b.bytesAtPeak - a.bytesAtPeak || b.allocatedBytes - a.allocatedBytes || a.file.localeCompare(b.file) || a.line - b.line);
  const memory: MemoryStat = {
    peakTracedBytes: numberField(msg, 'peakTracedBytes', 'memory'),
    startBytes: numberField(msg, 'startBytes', 'memory'),
    endBytes: numberField(msg, 'endBytes', 'memory'),
    lines,
  };
  if (typeof msg.peakRssBytes === 'number') memory.peakRssBytes = msg.peakRssBytes;
  const mechanism = stringField(msg, 'mechanism', 'memory');
  memory.mechanism = mechanism;
  const peakLine = msg.peakRssLine;
  if (typeof peakLine === 'object' && peakLine !== null && !Array.isArray(peakLine)) {
    const where = peakLine as Record<string, unknown>;
    memory.peakRssLine = { file: stringField(where, 'file', 'peak RSS line'), line: numberField(where, 'line', 'peak RSS line') };
  }
  return { memory, mechanism };
}

function toolName(mechanism: string): string {
  return mechanism === 'numpy-handler' ? 'vecprof NumPy memory handler' : 'tracemalloc';
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function describePeak(m: MemoryStat): string {
  const top = m.lines[0];
  const growth = m.endBytes - m.startBytes;
  const where = top && top.bytesAtPeak > 0 ? `, ${mib(top.bytesAtPeak)} of it from ${top.file}:${top.line}` : '';
  const rssWhere = m.peakRssLine ? ` (reached at ${m.peakRssLine.file}:${m.peakRssLine.line})` : '';
  const rss = m.peakRssBytes !== undefined ? `; peak RSS ${mib(m.peakRssBytes)}${rssWhere}` : '';
  const grown = [...m.lines].sort((a, b) => (b.rssGrowthBytes ?? 0) - (a.rssGrowthBytes ?? 0))[0];
  const objects =
    grown?.rssGrowthBytes && grown.rssGrowthBytes > m.peakTracedBytes / 4
      ? `; ${mib(grown.rssGrowthBytes)} of resident growth outside NumPy buffers at ${grown.file}:${grown.line} (Python objects?)`
      : '';
  return `traced peak ${mib(m.peakTracedBytes)}${where}; growth ${mib(growth)}${rss}${objects}`;
}
