// Human units for results: times, sizes, rates and ratios, with enough digits to compare rows.

function trim(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 2));
}

export function formatDuration(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${trim(ns)} ns`;
  if (abs < 1e6) return `${trim(ns / 1e3)} µs`;
  if (abs < 1e9) return `${trim(ns / 1e6)} ms`;
  return `${trim(ns / 1e9)} s`;
}

export function formatSeconds(s: number): string {
  return formatDuration(s * 1e9);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let u = 0;
  while (Math.abs(value) >= 1024 && u < units.length - 1) {
    value /= 1024;
    u++;
  }
  return `${trim(value)} ${units[u]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${trim(bytesPerSecond / 1e9)} GB/s`;
}

export function formatRatio(r: number): string {
  return `${trim(r, r >= 100 ? 3 : 2)}×`;
}

/** Element counts the way the seed's table shows them: 16, 256, 4096, 1048576. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : trim(n);
}

export function formatPercent(p: number): string {
  return `${p.toFixed(p < 10 ? 1 : 0)} %`;
}

/** Left- or right-aligned plain-text table; `right` marks numeric columns. */
export function textTable(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(widths[i]! - visibleLength(c));
        return right[i] ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  ').trimEnd(), ...rows.map(line)].join('\n');
}

// ANSI colour codes take no room on screen.
function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
