// Table 6 of `npm run bench`: how well the net learns the pattern-generation task, per seed, with
// offline BPTT + Adam (the usual baseline), the two e-prop engines trained offline the same way, the
// float64 reference running the core's online rule, and the wasm core itself. Every run starts from
// the same quantised weights. The 25 runs are independent and deterministic, so they are spread over
// child processes (bench/learning-worker.ts); the figures do not depend on how many.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, type Table } from './table.ts';
import {
  corePatternParams, FINAL_WINDOW, OFFLINE_LR, OFFLINE_PASSES, PATTERN_CONFIG, PATTERN_ITERATIONS, patternNmse, patternTask,
  ROW_RMS_LR, trainCore, trainOffline, trainReference,
} from '../host/tasks/pattern-generation.ts';

export const LEARNING_SEEDS = [1, 2, 3, 4, 5];

/** The seven runs per seed, slowest first (so that a pool of processes ends together). */
export type LearningMethod = 'online-float64' | 'online-float64-row-rms' | 'offline-eprop' | 'offline-deep-fact' | 'offline-bptt' | 'online-wasm' | 'online-wasm-row-rms';
export const LEARNING_METHODS: readonly LearningMethod[] = ['online-float64', 'online-float64-row-rms', 'offline-eprop', 'offline-deep-fact', 'offline-bptt', 'online-wasm', 'online-wasm-row-rms'];

export interface LearningRun {
  seed: number;
  method: LearningMethod;
  /** Mean frozen NMSE over the last FINAL_WINDOW passes (TrainResult.final). */
  nmse: number;
  seconds: number;
}

export interface LearningRow {
  seed: number;
  /** Frozen NMSE of the initial (quantised) weights. */
  initial: number;
  nmse: Record<LearningMethod, number>;
  seconds: Record<LearningMethod, number>;
}

export interface LearningResult {
  passes: { offline: number; online: number };
  lr: { offline: number; online: number };
  jobs: number;
  rows: LearningRow[];
  /** Wall-clock seconds of the whole table. */
  seconds: number;
}

/** One run, in this process. */
export function learningRun(seed: number, method: LearningMethod): LearningRun {
  const cfg = PATTERN_CONFIG;
  const task = patternTask(seed);
  const params = corePatternParams(cfg, seed);
  const t0 = process.hrtime.bigint();
  const r = (() => {
    switch (method) {
      case 'offline-bptt': return trainOffline(cfg, task, params, 'bptt', OFFLINE_PASSES);
      case 'offline-deep-fact': return trainOffline(cfg, task, params, 'deep-fact', OFFLINE_PASSES);
      case 'offline-eprop': return trainOffline(cfg, task, params, 'eprop', OFFLINE_PASSES);
      case 'online-float64': return trainReference(cfg, task, params, PATTERN_ITERATIONS);
      case 'online-float64-row-rms': return trainReference(cfg, task, params, PATTERN_ITERATIONS, undefined, 10, 'row-rms');
      case 'online-wasm': return trainCore(cfg, task, params, PATTERN_ITERATIONS);
      case 'online-wasm-row-rms': return trainCore({ ...cfg, optimizer: 'row-rms', lr: ROW_RMS_LR }, task, params, PATTERN_ITERATIONS);
    }
  })();
  return { seed, method, nmse: r.final, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const WORKER = fileURLToPath(new URL('./learning-worker.ts', import.meta.url));

/**
 * Every seed x method, on `jobs` child processes (1: in this process). `progress` hears one line per
 * finished run (the bench sends it to stderr).
 */
export async function learningRows(seeds = LEARNING_SEEDS, jobs = 1, progress: (line: string) => void = () => {}): Promise<LearningResult> {
  const t0 = process.hrtime.bigint();
  const queue = LEARNING_METHODS.flatMap((method) => seeds.map((seed) => ({ seed, method })));
  const total = queue.length;
  const runs: LearningRun[] = [];
  const done = (r: LearningRun) => {
    runs.push(r);
    progress(`learning ${runs.length}/${total}: seed ${r.seed} ${r.method} NMSE ${r.nmse.toFixed(3)} (${r.seconds.toFixed(1)} s)`);
  };
  const n = Math.max(1, Math.min(jobs, total));
  if (n === 1) {
    for (const { seed, method } of queue) done(learningRun(seed, method));
  } else {
    const children: ChildProcess[] = [];
    try {
      await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
        const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        const next = () => {
          const job = queue.shift();
          if (job) child.send(job);
          else child.disconnect();
        };
        child.on('message', (r: LearningRun) => { done(r); next(); });
        child.on('error', reject);
        child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`learning worker exited with ${signal ?? code}`))));
        next();
      })));
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
    }
  }
  const rows = seeds.map((seed): LearningRow => {
    const mine = runs.filter((r) => r.seed === seed);
    const pick = (f: (r: LearningRun) => number) => Object.fromEntries(LEARNING_METHODS.map((m) => [m, f(mine.find((r) => r.method === m)!)])) as Record<LearningMethod, number>;
    return { seed, initial: patternNmse(PATTERN_CONFIG, patternTask(seed), corePatternParams(PATTERN_CONFIG, seed)), nmse: pick((r) => r.nmse), seconds: pick((r) => r.seconds) };
  });
  return {
    passes: { offline: OFFLINE_PASSES, online: PATTERN_ITERATIONS },
    lr: { offline: OFFLINE_LR, online: PATTERN_CONFIG.lr },
    jobs: n,
    rows,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
}

/** Table 6. */
export function learningTable(r: LearningResult): Table {
  const x = (v: number) => fmt(v, 3);
  const c = PATTERN_CONFIG;
  return {
    title: `6. Learning: pattern generation (NMSE after ${r.passes.offline} passes)`,
    head: ['seed', 'initial', 'offline BPTT (Adam)', 'offline deep-fact (Adam)', 'offline e-prop (Adam)', 'online float64 (SGD)', 'online wasm core (SGD)', 'wasm / float64 (SGD)', 'wasm / BPTT', 'online float64 (row-RMS)', 'online wasm core (row-RMS)', 'wasm row-RMS / BPTT', 'wasm / float64 (row-RMS)'],
    rows: r.rows.map((row) => [
      row.seed, x(row.initial), x(row.nmse['offline-bptt']), x(row.nmse['offline-deep-fact']), x(row.nmse['offline-eprop']),
      x(row.nmse['online-float64']), x(row.nmse['online-wasm']), `${fmt(row.nmse['online-wasm'] / row.nmse['online-float64'], 2)}x`,
      `${fmt(row.nmse['online-wasm'] / row.nmse['offline-bptt'], 1)}x`,
      x(row.nmse['online-float64-row-rms']), x(row.nmse['online-wasm-row-rms']),
      `${fmt(row.nmse['online-wasm-row-rms'] / row.nmse['offline-bptt'], 2)}x`, `${fmt(row.nmse['online-wasm-row-rms'] / row.nmse['online-float64-row-rms'], 2)}x`,
    ]),
    notes: [
      `host/tasks/pattern-generation.ts: ${c.nOut} outputs (sums of 1/2/3/5 Hz sines), 1000 steps of 1 ms, ${c.nIn} frozen input channels,`,
      `${c.units.length}x${c.units[0]} recurrent ${c.neuron.toUpperCase()}. All runs of a seed start from the same weights (the seeded float initialisation as`,
      'the core quantises it). NMSE: mean squared error / target variance on a frozen pass (no learning), mean over the',
      `last ${FINAL_WINDOW} passes (a pass = the 1000-step sequence); initial: the starting weights.`,
      'offline (float64 reference, trainOffline): per pass, run the sequence with frozen weights, take the gradient of',
      '  1/2 sum_t |y_t - y*_t|^2 over all 1000 steps (BPTT: exact; deep-fact, e-prop: their forward-in-time estimate),',
      `  then one Adam step (lr ${r.lr.offline.toExponential()}).`,
      `online: the rule the core runs (${c.engine}, an SGD step of lr ${r.lr.online.toExponential()} after every time step, weights clipped to +-${c.clip}),`,
      `  ${r.passes.online} passes; float64: the reference (trainReference); wasm: build/core.wasm (trainCore).`,
      `row-RMS: the normalised rule at lr ${ROW_RMS_LR.toExponential()} (a step of about lr per weight), per-row second moments refreshed round-robin,`,
      '  factored on the readout: float64 RowRms (host/reference/optim.ts), wasm optimizer row-rms (assembly/optim.ts; readout in Q28).',
      `${r.rows.length * LEARNING_METHODS.length} runs on ${r.jobs} process${r.jobs === 1 ? '' : 'es'}, ${fmt(r.seconds)} s (npm run bench -- --no-learning skips this table).`,
    ],
  };
}
