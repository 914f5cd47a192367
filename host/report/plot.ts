// The report's plot: windowed RMS tracking error of every controller over time, drawn with Vega-Lite
// and rendered to a self-contained SVG by Vega (no browser needed).
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { DemoResult } from '../../sims/loop/demo.ts';
import { windowedRms } from '../../sims/loop/metrics.ts';

export const PLOT_WINDOW = 1;
export const PLOT_HOP = 0.25;

export function plotData(r: DemoResult): { t: number; rms: number; controller: string }[] {
  return r.traces.flatMap((tr) => windowedRms(tr.error, tr.dt, PLOT_WINDOW, PLOT_HOP).map((p) => ({ t: +p.t.toFixed(3), rms: p.rms, controller: tr.controller })));
}

export async function demoPlotSvg(r: DemoResult): Promise<string> {
  const events = [
    { t: r.phases.warmup, label: 'warm-up ends' },
    { t: r.phases.change, label: r.scenario },
  ];
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${r.plant}: tracking error (RMS over ${PLOT_WINDOW} s windows)`,
    width: 720,
    height: 300,
    layer: [
      {
        data: { values: plotData(r) },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time (s)' },
          y: { field: 'rms', type: 'quantitative', title: 'RMS joint error (rad)', scale: { type: 'log' } },
          color: { field: 'controller', type: 'nominal', title: null, legend: { orient: 'top', columns: 2, labelLimit: 320 } },
        },
      },
      {
        data: { values: events },
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { x: { field: 't', type: 'quantitative' } },
      },
      {
        data: { values: events },
        mark: { type: 'text', align: 'left', dx: 4, dy: -140, color: 'gray', fontSize: 10 },
        encoding: { x: { field: 't', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
