// The soak's results as text: a headline and one column per target.
import { FAULT_KINDS, soakFailures, type FaultKind, type SoakResult } from './soak.ts';

const FAULT_NAMES: Record<FaultKind, string> = {
  corrupt: 'byte corruption',
  drop: 'byte drops',
  silence: 'host silence',
  unplug: 'unplug/replug',
  reset: 'device reset',
  cut: 'snapshot save cut',
};

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const ms = (v: number) => (v > 0 ? v.toFixed(1) : 'n/a');

export interface SoakSettings {
  steps: number;
  seed: number;
  faultEvery: number;
  saveEvery: number;
  watchdogMs: number;
}

export function soakHeadline(s: SoakSettings): string {
  return (
    `soak: ${int(s.steps)} control steps per target (arm2, the learner on the device), seed ${s.seed}; ` +
    `a fault every ~${int(s.faultEvery)} steps (each kind once first), the learned state saved every ${int(s.saveEvery)} steps, watchdog ${s.watchdogMs} ms`
  );
}

export function soakTable(results: SoakResult[]): string {
  const col = (f: (r: SoakResult) => string) => results.map(f);
  const sum = (r: SoakResult, m: Record<FaultKind, number>) => FAULT_KINDS.reduce((a, k) => a + m[k], 0);
  const rows: string[][] = [
    ['', ...col((r) => `${r.target} (${r.device})`)],
    ['steps', ...col((r) => int(r.steps) + (r.interrupted ? ' (interrupted)' : ''))],
    ['steps/s, faults and saves included', ...col((r) => int(r.stepsPerSecond))],
    ...FAULT_KINDS.map((k) => [`faults: ${FAULT_NAMES[k]}`, ...col((r) => int(r.faults[k]))]),
    ['recoveries (back to valid actuator frames)', ...col((r) => `${int(sum(r, r.recoveries))} of ${int(sum(r, r.faults))}`)],
    ['longest outage: byte fault / reset / cut (ms)', ...col((r) => [Math.max(r.outageMaxMs.corrupt, r.outageMaxMs.drop), r.outageMaxMs.reset, r.outageMaxMs.cut].map((v) => int(v)).join(' / '))],
    ['actuator frames without a valid command (must be 0)', ...col((r) => int(r.invalidActuatorFrames))],
    ['late actuator frames (answers to a step given up on, after a resync)', ...col((r) => int(r.lateActuatorFrames))],
    ['learned-state losses (must be 0)', ...col((r) => int(r.learnedStateLosses))],
    ['silences without the watchdog (must be 0)', ...col((r) => int(r.watchdogMisses))],
    ['watchdog latency max (ms)', ...col((r) => ms(r.watchdogLatencyMaxMs))],
    ['snapshot saves / state checks', ...col((r) => `${int(r.saves)} / ${int(r.stateChecks)}`)],
    ['retransmitted sensor frames / resyncs', ...col((r) => `${int(r.retransmits)} / ${int(r.resyncs)}`)],
    ['steps on PD alone (actuator frame lost)', ...col((r) => int(r.pdOnlySteps))],
    ['frames rejected by the host', ...col((r) => int(r.rejectedFrames))],
    ['device boots', ...col((r) => int(r.deviceBoots))],
    ['tracking RMS per 10^4 steps: last / worst (rad)', ...col((r) => (Number.isFinite(r.trackingRms) ? `${r.trackingRms.toFixed(4)} / ${r.trackingRmsWorst.toFixed(4)}` : 'n/a'))],
    ['plant restarts (its state went non-finite)', ...col((r) => int(r.plantRestarts))],
    ['host memory (RSS): start -> end', ...col((r) => `${mb(r.rssStartBytes)} -> ${mb(r.rssEndBytes)}`)],
  ];
  const w = rows[0].map((_, c) => Math.max(...rows.map((x) => x[c].length)));
  const line = (x: string[]) => '| ' + x.map((s, c) => (c === 0 ? s.padEnd(w[c]) : s.padStart(w[c]))).join(' | ') + ' |';
  const sep = '|' + w.map((n, c) => (c === 0 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|';
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

/** One line per failed check, or the all-clear. */
export function soakVerdict(results: SoakResult[]): string {
  const bad = results.flatMap((r) => soakFailures(r).map((f) => `${r.target}: ${f}`));
  return bad.length === 0 ? 'every must-be-0 counter is 0 and every fault was recovered' : `FAILED: ${bad.join('; ')}`;
}
