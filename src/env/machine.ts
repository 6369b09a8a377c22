// Facts about this machine that explain a measurement: CPU, caches, governor, load, busy processes.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release, arch } from 'node:os';
import { join } from 'node:path';

export interface CacheLevel {
  level: number;
  type: string; // Data, Instruction, Unified
  sizeBytes: number;
  sharedByCpus: number;
}

export interface MachineInfo {
  cpuModel: string;
  logicalCpus: number;
  memoryBytes: number;
  os: string;
  arch: string;
  caches: CacheLevel[];
  governor: string | null;
  ptraceScope: number | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Parses sysfs sizes like "32K", "2048K", "32M". */
export function parseCacheSize(text: string): number {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text.trim());
  if (!m) return 0;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

function countCpuList(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    n += b === undefined ? 1 : b - a + 1;
  }
  return n;
}

export function readCaches(sysCpuDir = '/sys/devices/system/cpu/cpu0/cache'): CacheLevel[] {
  let entries: string[];
  try {
    entries = readdirSync(sysCpuDir).filter((e) => e.startsWith('index'));
  } catch {
    return [];
  }
  const caches: CacheLevel[] = [];
  for (const e of entries) {
    const dir = join(sysCpuDir, e);
    const level = Number(readText(join(dir, 'level')));
    const size = parseCacheSize(readText(join(dir, 'size')) ?? '');
    if (!level || !size) continue;
    caches.push({
      level,
      type: readText(join(dir, 'type')) ?? 'Unified',
      sizeBytes: size,
      sharedByCpus: countCpuList(readText(join(dir, 'shared_cpu_list')) ?? '0'),
    });
  }
  return caches.sort((a, b) => a.level - b.level || a.type.localeCompare(b.type));
}

/** The data caches a kernel streaming over one array sees, smallest first. */
export function dataCaches(caches: CacheLevel[]): CacheLevel[] {
  return caches.filter((c) => c.type !== 'Instruction');
}

export function readMachine(): MachineInfo {
  const scope = readText('/proc/sys/kernel/yama/ptrace_scope');
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    logicalCpus: cpus().length,
    memoryBytes: totalmem(),
    os: `${platform()} ${release()}`,
    arch: arch(),
    caches: readCaches(),
    governor: readText('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'),
    ptraceScope: scope === null ? null : Number(scope),
  };
}

export interface BusyProcess {
  pid: number;
  command: string;
  cpuPercent: number;
}

export interface NoiseSnapshot {
  at: string;
  loadAverage1m: number;
  busyProcesses: BusyProcess[];
}

function cpuTicks(pid: string): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(afterName[11]) + Number(afterName[12]); // utime + stime
}

/** Other processes using the CPU right now, measured over a short window from /proc. */
export async function busyProcesses(windowMs = 200, thresholdPercent = 20, exclude: number[] = []): Promise<BusyProcess[]> {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && !exclude.includes(Number(p)) && Number(p) !== process.pid);
  } catch {
    return [];
  }
  const before = new Map(pids.map((p) => [p, cpuTicks(p)]));
  await new Promise((r) => setTimeout(r, windowMs));
  const ticksPerSecond = 100; // USER_HZ on every Linux we target
  const busy: BusyProcess[] = [];
  for (const [pid, t0] of before) {
    const t1 = cpuTicks(pid);
    if (t0 === null || t1 === null) continue;
    const percent = ((t1 - t0) / ticksPerSecond / (windowMs / 1000)) * 100;
    if (percent >= thresholdPercent) {
      const command = (readText(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ').trim().slice(0, 80);
      busy.push({ pid: Number(pid), command: command || `pid ${pid}`, cpuPercent: Math.round(percent) });
    }
  }
  return busy.sort((a, b) => b.cpuPercent - a.cpuPercent);
}

export async function noiseSnapshot(exclude: number[] = []): Promise<NoiseSnapshot> {
  return {
    at: new Date().toISOString(),
    loadAverage1m: loadavg()[0] ?? 0,
    busyProcesses: await busyProcesses(200, 20, exclude),
  };
}
