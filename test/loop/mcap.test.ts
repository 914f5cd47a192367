// `deeptrace run --mcap FILE` through the CLI: the file reads back with @mcap/core's readers (the
// indexed one over a file handle, and the streaming one over the bytes in file order), has the
// expected JSON-schema channels, one message per control step, increasing log times, the events at
// the warm-up end and the change, and values that agree with the run's --json table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { McapStreamReader, type McapTypes } from '@mcap/core';
import { assertUsageError, runCli } from '../helpers.ts';
import { readMcap, type McapRead } from '../mcap-read.ts';
import { SCENARIOS } from '../../sims/loop/scenarios.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-mcap-'));
const file = path.join(dir, 'run.mcap');
const r = runCli(['run', '--seconds', '4', '--mcap', file, '--no-report', '--json']);
const table = r.code === 0 ? JSON.parse(r.stdout) : null;

const SEC = 1_000_000_000n;
const DT_NS = 10_000_000n; // arm2: 100 Hz
const STEPS = 400;
const KEYS = ['pd_alone', 'frozen_network', 'slotine_li_adaptive', 'online_deep_e_prop_deep_fact', 'rls_feed_forward_no_network'];
const NETWORKS = ['frozen_network', 'online_deep_e_prop_deep_fact'];

let read: McapRead;

test('run --mcap exits 0, names the file in the JSON, and leaves no temporary file', async () => {
  assert.is(r.code, 0, r.stderr);
  assert.is(table.mcap, file);
  assert.equal(readdirSync(dir), ['run.mcap']);
  read = await readMcap(file);
});

test('the channels: reference, state, command and tracking_error per controller, learner for the two networks, /events; JSON on jsonschema schemas', () => {
  const { reader } = read;
  const topics = [...reader.channelsById.values()].map((c) => c.topic).sort();
  const expected = [
    ...KEYS.flatMap((k) => ['reference', 'state', 'command', 'tracking_error', ...(NETWORKS.includes(k) ? ['learner'] : [])].map((t) => `/${k}/${t}`)),
    '/events',
  ].sort();
  assert.equal(topics, expected);
  for (const c of reader.channelsById.values()) {
    assert.is(c.messageEncoding, 'json', c.topic);
    const s = reader.schemasById.get(c.schemaId)!;
    assert.is(s.encoding, 'jsonschema', c.topic);
    const js = JSON.parse(new TextDecoder().decode(s.data));
    assert.is(js.type, 'object', c.topic);
    assert.is(js.title, s.name);
    if (c.topic !== '/events') assert.ok(c.metadata.get('controller'), c.topic);
  }
  assert.is(reader.schemasById.get([...reader.channelsById.values()].find((c) => c.topic === '/events')!.schemaId)!.name, 'foxglove.Log');
});

test('one message per control step on every per-step channel, log times one step apart and increasing; the statistics agree', () => {
  const { reader, byTopic } = read;
  let total = 0;
  for (const [topic, msgs] of byTopic) {
    total += msgs.length;
    if (topic === '/events') continue;
    assert.is(msgs.length, STEPS, topic);
    // command and learner: the step's start (k dt); reference, state, error: its end ((k + 1) dt)
    const first = /\/(command|learner)$/.test(topic) ? 0n : DT_NS;
    msgs.forEach((m, k) => {
      assert.is(m.data.step, k, topic);
      assert.is(m.sequence, k, topic);
      assert.is(m.logTime, first + BigInt(k) * DT_NS, topic);
      assert.ok(Math.abs(m.data.t - Number(m.logTime) / 1e9) < 1e-9, `${topic}: t ${m.data.t} vs log time ${m.logTime}`);
    });
  }
  assert.is(Number(reader.statistics!.messageCount), total);
  assert.is(reader.statistics!.messageStartTime, 0n);
  assert.is(reader.statistics!.messageEndTime, 4n * SEC);
});

test('in file order (the streaming reader) the log times never go back, and the run\'s table is in the metadata', () => {
  const s = new McapStreamReader();
  s.append(readFileSync(file));
  let last = -1n;
  let messages = 0;
  let meta: McapTypes.TypedMcapRecords['Metadata'] | undefined;
  for (let rec; (rec = s.nextRecord()); ) {
    if (rec.type === 'Message') {
      assert.ok(rec.logTime >= last, `log time ${rec.logTime} after ${last}`);
      last = rec.logTime;
      messages++;
    }
    if (rec.type === 'Metadata') meta = rec;
  }
  assert.ok(s.done());
  assert.is(messages, Number(read.reader.statistics!.messageCount));
  assert.is(meta?.name, 'deeptrace.run');
  assert.is(meta!.metadata.get('scenario'), 'payload');
  assert.equal(JSON.parse(meta!.metadata.get('table')!).rows, table.rows);
});

test('the events: the warm-up ends at 1 s, the payload doubles at the change time (2 s)', () => {
  const ev = read.byTopic.get('/events')!;
  assert.equal(ev.map((e) => [e.logTime, e.data.kind]), [[1n * SEC, 'warmup_end'], [2n * SEC, 'change']]);
  const change = ev[1].data;
  assert.is(change.description, SCENARIOS.payload.description);
  assert.equal(change.disturbance, SCENARIOS.payload.change);
  assert.is(change.t, table.phases.change);
  assert.equal(change.timestamp, { sec: 2, nsec: 0 });
  assert.match(change.message, /the payload doubles/);
  assert.is(change.level, 3);
});

test('the RMS of each controller\'s tracking_error equals the table\'s rmsBefore and rmsAfter (within 1e-9)', () => {
  const { warmup, change, end } = table.phases;
  const ns = (s: number) => BigInt(Math.round(s * 1e9));
  KEYS.forEach((key, i) => {
    const msgs = read.byTopic.get(`/${key}/tracking_error`)!;
    // step k's error is logged at (k + 1) dt: the window [from, to) of steps is (from, to] in log time
    const rmsOver = (from: number, to: number) => {
      const e = msgs.filter((m) => m.logTime > ns(from) && m.logTime <= ns(to)).map((m) => m.data.norm);
      return Math.sqrt(e.reduce((s, v) => s + v * v, 0) / e.length);
    };
    const row = table.rows[i];
    assert.ok(Math.abs(rmsOver(change, end) - row.rmsAfter) <= 1e-9, `${key}: after ${rmsOver(change, end)} vs ${row.rmsAfter}`);
    assert.ok(Math.abs(rmsOver(warmup, change) - row.rmsBefore) <= 1e-9, `${key}: before ${rmsOver(warmup, change)} vs ${row.rmsBefore}`);
  });
});

test('state, reference and error agree; a network\'s command is u_pd + u_net and its loss is sum (u_pd / 10)^2; the frozen one stops learning at the warm-up end', () => {
  for (const key of KEYS) {
    const q = read.byTopic.get(`/${key}/state`)!;
    const qd = read.byTopic.get(`/${key}/reference`)!;
    const e = read.byTopic.get(`/${key}/tracking_error`)!;
    for (let k = 0; k < STEPS; k++) {
      const d = q[k].data.position.map((v: number, j: number) => v - qd[k].data.position[j]);
      assert.equal(e[k].data.joint, d);
      assert.ok(Math.abs(e[k].data.norm - Math.hypot(...d)) < 1e-12);
    }
  }
  for (const key of NETWORKS) {
    const u = read.byTopic.get(`/${key}/command`)!;
    const l = read.byTopic.get(`/${key}/learner`)!;
    for (let k = 0; k < STEPS; k++) {
      const { u_net, u_pd, error_signal, loss, learning } = l[k].data;
      assert.equal(u[k].data.u, u_pd.map((p: number, j: number) => p + u_net[j]));
      assert.equal(error_signal, u_pd.map((p: number) => -p / 10));
      assert.ok(Math.abs(loss - error_signal.reduce((s: number, v: number) => s + v * v, 0)) < 1e-12);
      assert.is(learning, key === 'online_deep_e_prop_deep_fact' || k < 100, `${key} step ${k}`);
    }
    assert.ok(l.some((m) => m.data.u_net.some((v: number) => v !== 0)), `${key}: the network commands something`);
  }
});

test('--mcap: an unwritable path, --firmata and --mode forward-model are one-line usage errors (exit 2) before anything runs', () => {
  assertUsageError(['run', '--seconds', '1', '--no-report', '--mcap', path.join(dir, 'no-such-dir', 'x.mcap')], '--mcap');
  mkdirSync(path.join(dir, 'a-dir'));
  assertUsageError(['run', '--seconds', '1', '--no-report', '--mcap', path.join(dir, 'a-dir')], '--mcap');
  assertUsageError(['run', '--firmata', path.join(dir, 'no-port'), '--no-report', '--mcap', path.join(dir, 'f.mcap')], '--mcap');
  assertUsageError(['run', '--mode', 'forward-model', '--seconds', '1', '--no-report', '--mcap', path.join(dir, 'f.mcap')], '--mcap');
  assert.equal(readdirSync(dir).sort(), ['a-dir', 'run.mcap']);
});

test('run --help describes --mcap', () => {
  const h = runCli(['run', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /--mcap <file>/);
  assert.match(h.stdout, /Foxglove/);
});

test.run();
