// `npm run bench`: module size, memory, Node speed against the float64 reference, executed wasm
// instructions per step, an ESP32 estimate calibrated on WASM3's fib(24) figure, and how well the
// net learns the pattern-generation task (offline BPTT baseline vs the online rule; bench/learning.ts).
// `npm run bench -- --json` prints every number as one JSON object instead of the tables;
// `--no-learning` skips the learning table (the slow part: minutes); `--learning-jobs N` runs it on
// N processes (default: one per core); `--learning-only` prints table 6 alone.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_WASM, describeStatus } from '../host/core/core.ts';
import { buildFib, fibValue, fibWatInstructions, WASM3_ESP32_FIB_MS, WASM3_FIB_N, WASM3_REFERENCE } from './fib.ts';
import { instrument, InstructionCounter, staticInstructionCounts } from './instrument.ts';
import { LEARNING_SEEDS, learningRows, learningTable } from './learning.ts';
import { fmt, int, renderTable, type Table } from './table.ts';
import { DEFAULT_TIMING, timePerStep } from './timing.ts';
import { BENCH_CONFIGS, describe, firingRates, makeCore, makeReference, SPIKE_P, TARGET_AMP, TARGET_PERIOD, Workload, type BenchConfig } from './workload.ts';
import type { CoreConfig } from '../host/core/config.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const DEBUG_WASM = path.join(root, 'build/core.debug.wasm');
const rel = (p: string) => path.relative(root, p);

type Mode = 'inference' | 'step+learn';
const MODES: Mode[] = ['inference', 'step+learn'];
/** Steps run before counting instructions, and steps counted. */
const COUNT_WARMUP = 200;
const COUNT_STEPS = 1000;
const ESP32_MHZ = 240;

// 1. Module -------------------------------------------------------------------------------------

interface ModuleInfo {
  file: string;
  bytes: number;
  exports: number;
  imports: string[];
  functions: number;
  staticInstructions: number;
}

function moduleInfo(file: string): ModuleInfo {
  const bin = new Uint8Array(readFileSync(file));
  const mod = new WebAssembly.Module(bin);
  const counts = staticInstructionCounts(bin);
  return {
    file: rel(file),
    bytes: bin.length,
    exports: WebAssembly.Module.exports(mod).length,
    imports: WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`),
    functions: counts.length,
    staticInstructions: counts.reduce((s, c) => s + c, 0),
  };
}

// 2. Memory -------------------------------------------------------------------------------------

interface MemoryRow {
  config: string;
  interval: number;
  memoryUsed: number;
  stateBytes: number;
  snapshotBytes: number;
  stagingCapacity: number;
  loadable: boolean;
  /** Size of the core's linear memory. */
  memoryBytes: number;
  /** Status of an actual save-then-load round trip (0 = restored). */
  roundTrip: number;
}

function memoryRows(): MemoryRow[] {
  const rows: MemoryRow[] = [];
  for (const { name, cfg } of BENCH_CONFIGS) {
    // Row-RMS runs with updates every step only (the core refuses interval 0 for it).
    for (const interval of cfg.optimizer === 'row-rms' ? [1] : [1, 0]) {
      const core = makeCore({ ...cfg, interval });
      const stateBytes = core.stateBytes();
      const cap = core.x.staging_capacity();
      const snap = core.saveSnapshot();
      rows.push({
        config: name,
        interval,
        memoryUsed: core.memoryUsed(),
        stateBytes,
        snapshotBytes: snap.length,
        stagingCapacity: cap,
        loadable: cap >= stateBytes + 32,
        memoryBytes: core.x.memory.buffer.byteLength,
        roundTrip: core.loadSnapshot(snap),
      });
    }
  }
  return rows;
}

// 3. Speed --------------------------------------------------------------------------------------

interface SpeedRow {
  config: string;
  mode: Mode;
  coreUs: number;
  referenceUs: number;
  /** Inference only: Learner.step (forward + trace update, the work core.step does), else null. */
  referenceTracesUs: number | null;
  coreRepeats: number[];
  referenceRepeats: number[];
}

function speedRows(): SpeedRow[] {
  const rows: SpeedRow[] = [];
  for (const { name, cfg } of BENCH_CONFIGS) {
    const w = new Workload(cfg);
    for (const mode of MODES) {
      const core = makeCore(cfg);
      const { net, learner } = makeReference(cfg, core.getParams());
      const coreT = mode === 'inference'
        ? timePerStep((t) => void core.step(w.input(t)))
        : timePerStep((t) => core.learn(w.error(t, core.step(w.input(t)))));
      const refT = mode === 'inference'
        ? timePerStep((t) => void net.step(w.input(t)))
        : timePerStep((t) => learner.learn(w.error(t, learner.step(w.input(t)))));
      const tracesT = mode === 'inference' ? timePerStep((t) => void learner.step(w.input(t))) : null;
      rows.push({
        config: name, mode, coreUs: coreT.median, referenceUs: refT.median, referenceTracesUs: tracesT?.median ?? null,
        coreRepeats: coreT.repeats, referenceRepeats: refT.repeats,
      });
    }
  }
  return rows;
}

// 4. Instructions -------------------------------------------------------------------------------

interface CountRow {
  config: string;
  mode: Mode;
  mean: number;
  min: number;
  max: number;
  /** Mean i64 operations and i64 multiplies per step (of `mean`; see bench/instrument.ts). */
  i64Mean: number;
  i64MulMean: number;
  /** Mean instructions of step() and of learn() (0 for inference). */
  stepMean: number;
  learnMean: number;
  /** Mean fraction of hidden units spiking per step, per layer, over the counted steps. */
  firingRates: number[];
  /** The instrumented core's outputs matched the plain core's on every counted step. */
  outputsMatch: boolean;
  /** `mean` of the same run on each of COUNT_SEEDS' workloads. */
  seedMeans: number[];
}

/**
 * Workload seeds the count is repeated on besides the workload's own (seed 7): the count follows how
 * many units spike and have a non-zero pseudo-derivative, which follows the learning trajectory, so
 * one seed can sit well above or below the others.
 */
const COUNT_SEEDS = [1, 2, 3, 4, 5];

function countRows(coreModule: WebAssembly.Module): CountRow[] {
  const rows: CountRow[] = [];
  for (const { name, cfg } of BENCH_CONFIGS) {
    for (const mode of MODES) {
      const row = countRun(coreModule, name, cfg, mode, new Workload(cfg));
      row.seedMeans = COUNT_SEEDS.map((seed) => countRun(coreModule, name, cfg, mode, new Workload(cfg, undefined, seed)).mean);
      rows.push(row);
    }
  }
  return rows;
}

function countRun(coreModule: WebAssembly.Module, name: string, cfg: CoreConfig, mode: Mode, w: Workload): CountRow {
  const core = makeCore(cfg, coreModule);
  const plain = makeCore(cfg);
  const counter = new InstructionCounter(core.x as unknown as WebAssembly.Exports);
  // Core.step/learn also call the one-instruction pointer getters; count the ABI calls only.
  const getters = counter.measure(() => core.x.input_ptr()) + counter.measure(() => core.x.output_ptr());
  const errGetter = counter.measure(() => core.x.error_ptr());
  const counts: number[] = [];
  let stepSum = 0;
  let learnSum = 0;
  let i64Sum = 0;
  let i64MulSum = 0;
  let match = true;
  const one = (t: number, record: boolean) => {
    let y!: Float64Array;
    const cStep = counter.measureAll(() => (y = core.step(w.input(t))));
    const nStep = cStep.all - getters;
    const yPlain = plain.step(w.input(t));
    let nLearn = 0;
    let i64 = cStep.i64;
    let i64mul = cStep.i64mul;
    if (mode === 'step+learn') {
      const cLearn = counter.measureAll(() => core.learn(w.error(t, y)));
      nLearn = cLearn.all - errGetter;
      i64 += cLearn.i64;
      i64mul += cLearn.i64mul;
      plain.learn(w.error(t, yPlain));
    }
    if (record) {
      i64Sum += i64;
      i64MulSum += i64mul;
      counts.push(nStep + nLearn);
      stepSum += nStep;
      learnSum += nLearn;
      if (y.some((v, k) => v !== yPlain[k])) match = false;
    }
  };
  for (let t = 0; t < COUNT_WARMUP; t++) one(t, false);
  const rates = firingRates(core, COUNT_STEPS, (i) => one(COUNT_WARMUP + i, true));
  return {
    config: name,
    mode,
    mean: counts.reduce((s, c) => s + c, 0) / counts.length,
    min: Math.min(...counts),
    max: Math.max(...counts),
    i64Mean: i64Sum / counts.length,
    i64MulMean: i64MulSum / counts.length,
    stepMean: stepSum / counts.length,
    learnMean: learnSum / counts.length,
    firingRates: rates,
    outputsMatch: match,
    seedMeans: [],
  };
}

// 5. ESP32 --------------------------------------------------------------------------------------

interface Calibration {
  n: number;
  value: number;
  tool: string;
  instructions: number;
  /** The closed form for bench/fib.wat (null when built by asc). */
  expected: number | null;
  publishedMs: number;
  nsPerInstruction: number;
  cyclesPerInstruction: number;
}

function calibrate(): Calibration {
  const fib = buildFib();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(instrument(fib.binary).binary), {});
  const counter = new InstructionCounter(inst.exports);
  const f = inst.exports.fib as (n: number) => number;
  let value = 0;
  const instructions = counter.measure(() => (value = f(WASM3_FIB_N)));
  if (value !== fibValue(WASM3_FIB_N)) throw new Error(`fib(${WASM3_FIB_N}) returned ${value}`);
  const ns = (WASM3_ESP32_FIB_MS * 1e6) / instructions;
  return {
    n: WASM3_FIB_N,
    value,
    tool: fib.tool,
    instructions,
    expected: fib.tool === 'wat2wasm' ? fibWatInstructions(WASM3_FIB_N) : null,
    publishedMs: WASM3_ESP32_FIB_MS,
    nsPerInstruction: ns,
    cyclesPerInstruction: (ns * ESP32_MHZ) / 1000,
  };
}

interface EspRow {
  config: string;
  mode: Mode;
  instructions: number;
  ms: number;
  maxHz: number;
}

// Main ------------------------------------------------------------------------------------------

/** The value of `--name N` or `--name=N` on the command line, else undefined. */
function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const learn = !process.argv.includes('--no-learning');
  const learningOnly = process.argv.includes('--learning-only');
  const jobsArg = option('--learning-jobs');
  const jobs = jobsArg === undefined ? availableParallelism() : Number(jobsArg);
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`bench: --learning-jobs must be a positive integer, got ${JSON.stringify(jobsArg)}`);
    process.exitCode = 2;
    return;
  }
  const started = process.hrtime.bigint();
  if (learningOnly) {
    const learning = await learningRows(LEARNING_SEEDS, jobs, (line) => console.error(`bench: ${line}`));
    if (json) console.log(JSON.stringify({ node: process.version, learning }, null, 2));
    else console.log(renderTable(learningTable(learning)));
    return;
  }

  const release = moduleInfo(CORE_WASM);
  const debug = moduleInfo(DEBUG_WASM);
  const memory = memoryRows();
  const coreBytes = new Uint8Array(readFileSync(CORE_WASM));
  const instrumented = instrument(coreBytes);
  const counts = countRows(new WebAssembly.Module(instrumented.binary));
  const cal = calibrate();
  const esp: EspRow[] = counts.map((r) => {
    const ms = (r.mean * cal.nsPerInstruction) / 1e6;
    return { config: r.config, mode: r.mode, instructions: r.mean, ms, maxHz: 1000 / ms };
  });
  const speed = speedRows();
  const learning = learn ? await learningRows(LEARNING_SEEDS, jobs, (line) => console.error(`bench: ${line}`)) : null;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const problems: string[] = [];
  for (const m of [release, debug]) if (m.imports.length) problems.push(`${m.file} imports ${m.imports.join(', ')}`);
  if (counts.some((r) => !r.outputsMatch)) problems.push('the instrumented core computed different outputs');
  if (cal.expected !== null && cal.expected !== cal.instructions) problems.push(`fib count ${cal.instructions} != closed form ${cal.expected}`);

  if (json) {
    console.log(JSON.stringify({
      node: process.version,
      configs: Object.fromEntries(BENCH_CONFIGS.map(({ name, cfg }) => [name, { shape: describe(cfg), ...cfg }])),
      module: { release, debug },
      memory,
      speed: { timing: DEFAULT_TIMING, rows: speed },
      instructions: { warmupSteps: COUNT_WARMUP, countedSteps: COUNT_STEPS, regionsInstrumented: instrumented.regions, rows: counts },
      esp32: { calibration: cal, mhz: ESP32_MHZ, rows: esp },
      workload: { spikeProbability: SPIKE_P, targetAmplitude: TARGET_AMP, targetPeriod: TARGET_PERIOD },
      learning,
      problems,
      seconds,
    }, null, 2));
  } else {
    const tables: Table[] = [
      moduleTable(release, debug),
      memoryTable(memory),
      speedTable(speed),
      countTable(counts, instrumented.regions),
      espTable(esp, cal),
      ...(learning ? [learningTable(learning)] : []),
    ];
    const shapes = BENCH_CONFIGS.map(({ name, cfg }: BenchConfig) => `  ${name}: ${describe(cfg)}`);
    console.log(['deeptrace bench', ...shapes, ''].join('\n'));
    console.log(tables.map(renderTable).join('\n\n'));
    console.log(`\n(${fmt(seconds)} s, node ${process.version})`);
  }
  if (problems.length) {
    for (const p of problems) console.error(`bench: ${p}`);
    process.exitCode = 1;
  }
}

function moduleTable(release: ModuleInfo, debug: ModuleInfo): Table {
  return {
    title: '1. Core module',
    head: ['file', 'bytes', 'exports', 'imports', 'functions', 'instructions'],
    rows: [release, debug].map((m) => [m.file, int(m.bytes), m.exports, m.imports.length ? m.imports.join(' ') : 'none', m.functions, int(m.staticInstructions)]),
    notes: [
      'bytes: file size; exports/imports: WebAssembly.Module.exports()/imports(); instructions: static count',
      'of all function bodies (binaryen IR, the same model as table 4).',
    ],
  };
}

function memoryTable(rows: MemoryRow[]): Table {
  return {
    title: `2. Memory (bytes; linear memory is ${[...new Set(rows.map((r) => int(r.memoryBytes)))].join(' / ')})`,
    head: ['config', 'interval', 'memory used', 'state', 'snapshot', 'staging cap', 'in one piece', 'round trip'],
    rows: rows.map((r) => [
      r.config, r.interval === 1 ? '1 (online)' : '0 (accumulate)', int(r.memoryUsed), int(r.stateBytes), int(r.snapshotBytes),
      int(r.stagingCapacity), r.loadable ? 'yes' : 'no', r.roundTrip === 0 ? 'ok' : describeStatus(r.roundTrip).split(/[: ]/)[0],
    ]),
    notes: [
      'memory used: core.memoryUsed(); state: core.stateBytes(); snapshot: core.saveSnapshot() length (32-byte header + state);',
      'staging cap: core.x.staging_capacity(); in one piece: staging cap >= state + 32 (else the import streams through it twice:\n  verify, then apply); round trip: core.loadSnapshot(saveSnapshot()).',
    ],
  };
}

function speedTable(rows: SpeedRow[]): Table {
  const t = DEFAULT_TIMING;
  return {
    title: '3. Speed in Node (microseconds per step)',
    head: ['config', 'mode', 'core (wasm)', 'reference (f64)', 'ref / core', 'ref + traces', 'ref + traces / core'],
    rows: rows.map((r) => [
      r.config, r.mode, fmt(r.coreUs, 2), fmt(r.referenceUs, 2), `${fmt(r.referenceUs / r.coreUs)}x`,
      r.referenceTracesUs === null ? '-' : fmt(r.referenceTracesUs, 2),
      r.referenceTracesUs === null ? '-' : `${fmt(r.referenceTracesUs / r.coreUs)}x`,
    ]),
    notes: [
      `Node ${process.version}, process.hrtime.bigint(): ${t.warmup} warm-up steps, then the median of ${t.repeats} runs of ${t.steps} steps.`,
      'core: Core.step (inference) or Core.step + Core.learn, including the host-side Q12 conversion; reference: Network.step',
      `or Learner.step + learn (same engine, SGD, same quantised weights). Input: Bernoulli(${SPIKE_P}) spikes; error: y - ${TARGET_AMP} sin(2 pi t/${TARGET_PERIOD} + k).`,
      'core.step also updates the eligibility traces; "ref + traces" is Learner.step alone (forward + engine.update), the same work.',
      'Learning lowers the firing rate (table 4) and synapses are event-driven, so step+learn can cost less than frozen inference.',
    ],
  };
}

function countTable(rows: CountRow[], regions: number): Table {
  return {
    title: '4. Executed wasm instructions per step',
    head: ['config', 'mode', 'mean', 'min', 'max', 'of which i64', 'i64 mul', 'step() mean', 'learn() mean', 'hidden firing rate',
      `mean, seeds ${COUNT_SEEDS[0]}-${COUNT_SEEDS[COUNT_SEEDS.length - 1]}`, 'their range'],
    rows: rows.map((r) => [
      r.config, r.mode, int(r.mean), int(r.min), int(r.max), int(r.i64Mean), int(r.i64MulMean), int(r.stepMean),
      r.mode === 'inference' ? '-' : int(r.learnMean),
      r.firingRates.map((x) => `${fmt(100 * x)}%`).join(' / '),
      int(r.seedMeans.reduce((a, b) => a + b, 0) / r.seedMeans.length),
      `${int(Math.min(...r.seedMeans))}-${int(Math.max(...r.seedMeans))}`,
    ]),
    notes: [
      `A binaryen-instrumented copy of build/core.wasm (${regions} region counters); the exported step() (+ learn()) only,`,
      `over ${COUNT_STEPS} steps after ${COUNT_WARMUP}, same workload as table 3 (seed 7). Counts depend on spiking (event-driven synapses)`,
      `and so on the learning trajectory: the last two columns repeat the run on the workloads of seeds ${COUNT_SEEDS.join(', ')} (mean of their means, range).`,
      `Outputs of the instrumented core ${rows.every((r) => r.outputsMatch) ? 'matched' : 'DID NOT match'} the plain core's on every counted step.`,
      'i64: mean executed i64 operations per step (ops producing or taking an i64: arithmetic, compares, wrap/extend, loads,',
      'stores, consts, moves), each several 32-bit operations on a 32-bit MCU; i64 mul: of those, the i64 multiplies.',
    ],
  };
}

function espTable(rows: EspRow[], cal: Calibration): Table {
  const check = cal.expected === null ? `built with asc` : `wat2wasm; closed form ${int(cal.expected)} ${cal.expected === cal.instructions ? 'matches' : 'DIFFERS'}`;
  return {
    title: '5. ESP32 estimate (WASM3 interpreter, 240 MHz)',
    head: ['config', 'mode', 'instructions', 'ms / step', 'max rate (Hz)'],
    rows: rows.map((r) => [r.config, r.mode, int(r.instructions), fmt(r.ms, 2), fmt(r.maxHz, 0)]),
    notes: [
      `calibration: fib(${cal.n}) = ${cal.value} executes ${int(cal.instructions)} wasm instructions (${check});`,
      `  ${cal.publishedMs} ms / ${int(cal.instructions)} = ${fmt(cal.nsPerInstruction, 1)} ns per instruction (${fmt(cal.cyclesPerInstruction, 1)} cycles at ${ESP32_MHZ} MHz).`,
      `Source: ${WASM3_REFERENCE}. ms / step = mean instructions (table 4) x ns per instruction. fib is call-heavy, so`,
      'the figure per instruction is a rough, likely pessimistic, average for loop-and-arithmetic code like the core.',
    ],
  };
}

await main();
