// A progress bar on stderr for a person at a terminal; a no-op otherwise (piped, --quiet).
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number): void;
  update(done: number, label?: string): void;
  stop(): void;
}

const silent: Progress = { start() {}, update() {}, stop() {} };

export function createProgress(enabled: boolean, title: string): Progress {
  if (!enabled) return silent;
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | {eta_formatted} left | {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    start(total) {
      bar.start(total, 0, { label: '' });
      started = true;
    },
    update(done, label = '') {
      if (started) bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
