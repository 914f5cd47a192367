// The live view on a terminal: a progress bar per controller and an ASCII plot of the running
// tracking error (RMS over the last second), redrawn a few times a second.
import asciichart from 'asciichart';
import type { Trace } from '../../sims/loop/runner.ts';

export interface LiveView {
  update(controller: number, k: number, steps: number, trace: Trace): void;
  finish(): void;
}

const COLORS = [asciichart.red, asciichart.yellow, asciichart.blue, asciichart.green];

export function liveView(names: string[], plot: boolean, stream: NodeJS.WriteStream = process.stderr): LiveView {
  const histories: number[][] = names.map(() => []);
  let last = 0;
  let lines = 0;
  const width = Math.max(40, Math.min(100, (stream.columns ?? 100) - 20));
  const draw = (controller: number, k: number, steps: number) => {
    const out: string[] = [];
    names.forEach((name, i) => {
      const frac = i < controller ? 1 : i === controller ? k / steps : 0;
      const n = Math.round(frac * 30);
      out.push(`${name.padEnd(34)} [${'#'.repeat(n)}${'.'.repeat(30 - n)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    });
    if (plot) {
      const series = histories.filter((h) => h.length > 1).map((h) => h.slice(-width));
      if (series.length > 0) {
        const legend = names.map((n, i) => `${COLORS[i]}━━${asciichart.reset} ${n}`).join('   ');
        out.push('', `tracking error, RMS over 1 s (rad), last ${width} s:   ${legend}`);
        out.push(asciichart.plot(series, { height: 10, colors: COLORS.slice(0, series.length), format: (x: number) => x.toFixed(3).padStart(7) }));
      }
    }
    if (lines > 0) stream.write(`\x1b[${lines}A\x1b[0J`);
    const text = out.join('\n') + '\n';
    stream.write(text);
    lines = text.split('\n').length - 1;
  };
  return {
    update(controller, k, steps, trace) {
      const per = Math.max(1, Math.round(1 / trace.dt));
      if ((k + 1) % per === 0) {
        let s = 0;
        for (let j = k + 1 - per; j <= k; j++) s += trace.error[j] ** 2;
        histories[controller].push(Math.sqrt(s / per));
      }
      const now = Date.now();
      if (now - last > 100 || k === steps - 1) {
        last = now;
        draw(controller, k + 1, steps);
      }
    },
    finish() {},
  };
}
