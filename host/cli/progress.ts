// Progress for long work: a cli-progress bar on stderr when it is a terminal, nothing otherwise (so
// logs and piped JSON stay clean).
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, extra?: Record<string, string>): void;
  stop(): void;
}

export function progressBar(label: string, total: number, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted} {info}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update(done, extra) {
      bar.update(done, { info: extra ? Object.entries(extra).map(([k, v]) => `${k} ${v}`).join(' ') : '' });
    },
    stop() {
      bar.stop();
    },
  };
}
