// `run --mcap FILE`: the run's telemetry as an MCAP file (https://mcap.dev), which Foxglove opens.
// Per controller run, topics /<controller>/reference, /state, /command, /tracking_error and, for the
// network learners, /learner; /events has the end of the warm-up and the change of the scenario.
// JSON messages on JSON-schema channels (Foxglove's convention: schema encoding 'jsonschema',
// message encoding 'json'); log times are the simulated time in nanoseconds, every controller run
// on the same axis from t = 0, so their topics overlay in one plot. Written to a temporary file
// next to FILE and renamed, so a failed run never leaves half a file.
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { McapWriter, type IWritable } from '@mcap/core';
import type { DemoResult } from '../../sims/loop/demo.ts';
import type { Trace } from '../../sims/loop/runner.ts';
import { SCENARIOS } from '../../sims/loop/scenarios.ts';
import { TASKS } from '../../sims/loop/task.ts';
import { controllerKey, demoJson } from './write.ts';

/** How a run that did not complete stopped (run --port): an event at that time. */
export interface McapStop {
  controller: string;
  t: number;
  reason: string;
}

/** The per-step topics of a controller run, in the order they are registered. */
export const STEP_TOPICS = ['reference', 'state', 'command', 'tracking_error'] as const;
export const LEARNER_TOPIC = 'learner';
export const EVENTS_TOPIC = '/events';

const COMMAND_UNITS: Record<string, string> = { arm2: 'joint torques (N m)', motor: 'motor voltage (V)' };

const stamp = {
  t: { type: 'number', description: 'simulated time (s) of the sample, the same as the log time' },
  step: { type: 'integer', minimum: 0, description: 'control step k' },
};
const vector = (description: string) => ({ type: 'array', items: { type: 'number' }, description });
const schema = (title: string, description: string, properties: Record<string, unknown>) => ({
  title,
  description,
  type: 'object',
  properties: { ...stamp, ...properties },
  required: ['t', 'step', ...Object.keys(properties)],
});

const SCHEMAS = {
  reference: schema('deeptrace.Reference', 'The reference after control step k (at t = (k + 1) dt)', {
    position: vector('desired joint positions q_d (rad)'),
  }),
  state: schema('deeptrace.JointState', 'The plant after control step k (at t = (k + 1) dt)', {
    position: vector('joint positions q (rad)'),
  }),
  command: schema('deeptrace.Command', 'The command of control step k, held over the step from t = k dt', {
    u: vector('actuator command per joint (joint torques in N m on arm2, motor voltage in V on motor)'),
  }),
  tracking_error: schema('deeptrace.TrackingError', 'The tracking error after control step k (at t = (k + 1) dt); the table\'s RMS is over norm', {
    norm: { type: 'number', minimum: 0, description: '|q - q_d| (rad)' },
    joint: vector('q - q_d per joint (rad)'),
  }),
  learner: schema('deeptrace.Learner', 'Feedback-error learning at control step k (from t = k dt): u = u_pd + u_net, the network learns from err = -u_pd / outputScale', {
    u_net: vector('the network\'s command u_net per joint (actuator units)'),
    u_pd: vector('the PD command u_pd per joint (actuator units): the learning signal'),
    error_signal: vector('err = -u_pd / outputScale per joint (network output units): what the network learns from'),
    loss: { type: 'number', minimum: 0, description: 'sum of err^2 (network output units): the loss signal the learner drives down' },
    learning: { type: 'boolean', description: 'whether the network learned on this step (false for the frozen network after the warm-up)' },
  }),
  // The fields of Foxglove's foxglove.Log (so the Log panel lists the events), plus the event's data.
  events: {
    title: 'foxglove.Log',
    description: 'A run event: the end of the warm-up, the change of the scenario, a stop',
    type: 'object',
    properties: {
      timestamp: { type: 'object', properties: { sec: { type: 'integer', minimum: 0 }, nsec: { type: 'integer', minimum: 0, maximum: 999999999 } }, description: 'simulated time of the event' },
      level: { type: 'integer', minimum: 0, maximum: 5, description: 'foxglove.LogLevel: 2 INFO, 3 WARNING, 4 ERROR' },
      message: { type: 'string' },
      name: { type: 'string' },
      file: { type: 'string' },
      line: { type: 'integer', minimum: 0 },
      kind: { type: 'string', enum: ['warmup_end', 'change', 'stopped'] },
      t: { type: 'number', description: 'simulated time (s)' },
      description: { type: 'string' },
      disturbance: { type: ['object', 'null'], description: 'what the scenario changes (sims/plant.ts Disturbance), null if nothing' },
    },
    required: ['timestamp', 'level', 'message', 'name', 'file', 'line', 'kind', 't', 'description'],
  },
};

const encoder = new TextEncoder();
const json = (v: unknown) => encoder.encode(JSON.stringify(v));

/** Writes the telemetry of a tracking run (in-process or run --port) to an MCAP stream. */
export async function writeDemoMcap(r: DemoResult, writable: IWritable, stopped: McapStop | null = null): Promise<void> {
  const task = TASKS[r.plant];
  const scenario = SCENARIOS[r.scenario];
  const n = task.joints;
  const dt = r.traces[0]?.dt ?? task.makePlant(r.seed).dt;
  const dtNs = BigInt(Math.round(dt * 1e9));
  const w = new McapWriter({ writable });
  await w.start({ profile: '', library: 'deeptrace (@mcap/core)' });

  const schemaIds: Record<string, number> = {};
  for (const [key, s] of Object.entries(SCHEMAS)) schemaIds[key] = await w.registerSchema({ name: s.title, encoding: 'jsonschema', data: json(s) });
  const channel = (topic: string, schemaKey: string, metadata: Record<string, string>) =>
    w.registerChannel({ topic, schemaId: schemaIds[schemaKey], messageEncoding: 'json', metadata: new Map(Object.entries(metadata)) });
  const runs: { tr: Trace; ids: Record<string, number> }[] = [];
  for (const tr of r.traces) {
    const key = controllerKey(tr.controller);
    const meta = { controller: tr.controller, plant: r.plant };
    const ids: Record<string, number> = {};
    for (const topic of STEP_TOPICS) ids[topic] = await channel(`/${key}/${topic}`, topic, topic === 'command' ? { ...meta, units: COMMAND_UNITS[r.plant] ?? 'actuator units' } : meta);
    if (tr.learner) ids[LEARNER_TOPIC] = await channel(`/${key}/${LEARNER_TOPIC}`, LEARNER_TOPIC, { ...meta, outputScale: String(task.outputScale) });
    runs.push({ tr, ids });
  }
  const eventsId = await channel(EVENTS_TOPIC, 'events', { plant: r.plant, scenario: r.scenario });
  await w.addMetadata({
    name: 'deeptrace.run',
    metadata: new Map(Object.entries({
      plant: r.plant,
      scenario: r.scenario,
      scenario_description: scenario.description,
      engine: r.engine,
      seconds: String(r.seconds),
      seed: String(r.seed),
      dt: String(dt),
      joints: String(n),
      table: JSON.stringify(demoJson(r)),
    })),
  });

  const warmupStep = Math.round(r.phases.warmup / dt);
  const changeStep = Math.round(r.phases.change / dt);
  const stopStep = stopped ? Math.round(stopped.t / dt) : -1;
  type RunEvent = { kind: 'warmup_end' | 'change' | 'stopped'; level: number; message: string; description: string; disturbance?: unknown };
  const events = new Map<number, RunEvent[]>();
  const addEvent = (k: number, e: RunEvent) => events.set(k, [...(events.get(k) ?? []), e]);
  addEvent(warmupStep, { kind: 'warmup_end', level: 2, message: 'end of the warm-up: the frozen network stops learning; the RMS before the change is measured from here', description: 'end of the warm-up' });
  addEvent(changeStep, {
    kind: 'change',
    level: scenario.change ? 3 : 2,
    message: `scenario '${scenario.name}': ${scenario.description}; the RMS after the change is measured from here`,
    description: scenario.description,
    disturbance: scenario.change,
  });
  if (stopped) addEvent(stopStep, { kind: 'stopped', level: stopped.reason === 'interrupted' ? 3 : 4, message: `stopped during '${stopped.controller}' (${stopped.reason})`, description: stopped.reason });

  // Per-step channels: sequence = step k; log time = k dt (the step's command) or (k + 1) dt (where it ended).
  const put = (channelId: number, sequence: number, at: number, msg: unknown) => {
    const ns = BigInt(at) * dtNs;
    return w.addMessage({ channelId, sequence, logTime: ns, publishTime: ns, data: json(msg) });
  };
  const slice = (a: Float64Array, k: number) => Array.from(a.subarray(k * n, (k + 1) * n));
  const steps = Math.max(0, ...r.traces.map((tr) => tr.error.length));
  const ran = (tr: Trace, k: number) => k < tr.error.length && Number.isFinite(tr.error[k]);
  let eventCount = 0;
  for (let k = 0; k < steps; k++) {
    // At t = k dt: the events (before step k's command), then the commands of step k; at t = (k + 1) dt: where step k ended.
    if (runs.some(({ tr }) => ran(tr, k)) || k === stopStep) {
      for (const { disturbance, ...e } of events.get(k) ?? []) {
        const ns = BigInt(k) * dtNs;
        await put(eventsId, eventCount++, k, {
          timestamp: { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) },
          level: e.level, message: e.message, name: 'deeptrace run', file: '', line: 0,
          kind: e.kind, t: k * dt, description: e.description, ...(e.kind === 'change' ? { disturbance } : {}),
        });
      }
    }
    for (const { tr, ids } of runs) {
      if (!ran(tr, k)) continue;
      await put(ids.command, k, k, { t: k * dt, step: k, u: slice(tr.command, k) });
      const l = tr.learner;
      if (!l) continue;
      const uPd = slice(l.uPd, k);
      const err = uPd.map((p) => -p / task.outputScale);
      await put(ids[LEARNER_TOPIC], k, k, {
        t: k * dt, step: k,
        u_net: slice(l.uNet, k),
        u_pd: uPd,
        error_signal: err,
        loss: err.reduce((s, e) => s + e * e, 0),
        learning: l.learning[k] === 1,
      });
    }
    for (const { tr, ids } of runs) {
      if (!ran(tr, k)) continue;
      const t = (k + 1) * dt;
      const q = slice(tr.position, k);
      const qd = slice(tr.reference, k);
      await put(ids.reference, k, k + 1, { t, step: k, position: qd });
      await put(ids.state, k, k + 1, { t, step: k, position: q });
      await put(ids.tracking_error, k, k + 1, { t, step: k, norm: tr.error[k], joint: q.map((v, i) => v - qd[i]) });
    }
  }
  await w.end();
}

const tempPath = (file: string) => `${file}.partial-${process.pid}`;

/** Why FILE cannot be written (checked before a run, by creating and removing its temporary file), or null. */
export function mcapPathProblem(file: string): string | null {
  const abs = path.resolve(file);
  try {
    if (statSync(abs).isDirectory()) return 'it is a directory';
  } catch {
    // does not exist yet: fine
  }
  const tmp = tempPath(abs);
  try {
    closeSync(openSync(tmp, 'w'));
    rmSync(tmp, { force: true });
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `no such directory '${path.dirname(abs)}'`;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `not allowed to write in '${path.dirname(abs)}' (${code})`;
    return (err as Error).message;
  }
}

/** Writes the run's MCAP file atomically (a temporary file next to it, then renamed); returns its absolute path. */
export async function writeMcapFile(file: string, r: DemoResult, stopped: McapStop | null = null): Promise<string> {
  const final = path.resolve(file);
  const tmp = tempPath(final);
  const fh = await open(tmp, 'w');
  let position = 0n;
  const writable: IWritable = {
    async write(buffer: Uint8Array) {
      for (let off = 0; off < buffer.byteLength; ) off += (await fh.write(buffer, off, buffer.byteLength - off)).bytesWritten;
      position += BigInt(buffer.byteLength);
    },
    position: () => position,
  };
  try {
    await writeDemoMcap(r, writable, stopped);
    await fh.close();
    renameSync(tmp, final);
  } catch (err) {
    await fh.close().catch(() => {});
    rmSync(tmp, { force: true });
    throw err;
  }
  return final;
}
