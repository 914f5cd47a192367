// `deeptrace run --port PATH`: the tracking demo with the learner on a device. Same header, live
// view, table and report as the simulated run. Ctrl-C stops after the current step: STOP is sent
// and the report is written for what ran (exit 0). A device that goes away stops the run the same
// way, with exit 1: it is not waited for (monitor does that).
import type { DemoOptions } from '../../sims/loop/demo.ts';
import { SCENARIOS } from '../../sims/loop/scenarios.ts';
import { demoHeadline, demoTable } from '../report/table.ts';
import { demoJson, writeReport } from '../report/write.ts';
import { liveView } from '../report/live.ts';
import { writeMcapFile } from '../report/mcap.ts';
import { describeDevice, interruptSignal, openDevice } from './cli-port.ts';
import { remoteDemoNames, runRemoteDemo, type RemoteDemoResult } from './remote-demo.ts';

export interface PortRunFlags {
  port: string;
  /** Line rate (default DEFAULT_BAUD). */
  baud?: number;
  json?: boolean;
  plot: boolean;
  out: string;
  report: boolean;
  /** Also write the telemetry to this MCAP file (checked writable by the caller). */
  mcap?: string;
}

export async function runOnPort(o: DemoOptions, f: PortRunFlags): Promise<void> {
  const client = await openDevice(f.port, { reconnect: false, baudRate: f.baud });
  const names = remoteDemoNames(o.plant, o.engine);
  const tty = process.stderr.isTTY === true;
  const live = tty ? liveView(names, f.plot) : null;
  if (!f.json) {
    process.stdout.write(
      `deeptrace run --port ${f.port}: device ${describeDevice(client.device!)}\n` +
        `${o.plant}, scenario '${o.scenario}' (${SCENARIOS[o.scenario].description} at t = ${o.seconds / 2} s), engine ${o.engine}, ${o.seconds} s simulated; ` +
        `the plant runs here, the network on the device\n`,
    );
  }
  const intr = interruptSignal();
  let r: RemoteDemoResult;
  let announced = -1;
  try {
    r = await runRemoteDemo(client, o, {
      signal: intr.signal,
      onStep(c, k, steps, trace) {
        live?.update(c, k, steps, trace);
        if (!tty && k === steps - 1 && c > announced) {
          announced = c;
          process.stderr.write(`deeptrace: ${names[c]} done (${c + 1}/${names.length})\n`);
        }
      },
    });
  } finally {
    intr.dispose();
    await client.close();
  }
  live?.finish();
  const { result, stopped } = r;
  const dir = f.report && result.traces.length > 0 ? await writeReport(result, f.out) : null;
  const mcap = f.mcap !== undefined ? (result.traces.length > 0 ? await writeMcapFile(f.mcap, result, stopped) : null) : undefined;
  const note = stopped ? `stopped during '${stopped.controller}' at t = ${stopped.t.toFixed(2)} s (${stopped.reason}); the table covers what ran` : null;
  if (f.json) {
    process.stdout.write(JSON.stringify({ ...demoJson(result), port: f.port, device: client.device, stopped, report: dir, ...(mcap !== undefined ? { mcap } : {}) }) + '\n');
  } else {
    if (note) process.stdout.write(`\n${note}\n`);
    if (result.rows.length > 0) process.stdout.write(`\n${demoHeadline(result)}\n\n${demoTable(result)}\n`);
    if (dir) process.stdout.write(`\nreport: ${dir}/report.html (table.json, series.csv, plot.svg)\n`);
    if (mcap) process.stdout.write(`telemetry: ${mcap} (MCAP; open it in Foxglove)\n`);
  }
  // No reconnect: the learner's state went with the device, so what ran is all there is.
  if (stopped && stopped.reason !== 'interrupted') throw new Error(`run --port ${f.port} stopped during '${stopped.controller}' at t = ${stopped.t.toFixed(2)} s: ${stopped.reason}; the table covers what ran`);
}
