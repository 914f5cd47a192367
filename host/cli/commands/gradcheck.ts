// `deeptrace gradcheck`: engines against bptt, per layer, over seeds.
import { writeFileSync, renameSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_GRADCHECK, formatTable, gradcheck, type GradcheckOptions } from '../../gradcheck/compare.ts';
import { FEEDBACKS, LEAK_FLAVOURS, NEURON_KINDS, RESET_GRADS } from '../../reference/config.ts';
import { ENGINE_NAMES } from '../../reference/engines/index.ts';
import { integer, list, oneOf, real } from '../options.ts';
import { UsageError } from '../errors.ts';
import { progressBar } from '../progress.ts';
import { gradcheckFixed, type FixedRow } from '../../gradcheck/fixed.ts';

interface Flags {
  neuron: GradcheckOptions['neuron'];
  layers: number[];
  units: number;
  inputs?: number;
  steps: number;
  seeds: number;
  recurrent: 'on' | 'off';
  leak: GradcheckOptions['leak'];
  kappa: number;
  feedback: GradcheckOptions['feedback'];
  reset: GradcheckOptions['reset'];
  engines: GradcheckOptions['engines'];
  json?: boolean;
  dump?: string;
  dumpSeed?: number;
  fixed?: boolean;
}

export function gradcheckCommand(program: Command): void {
  const d = DEFAULT_GRADCHECK;
  program
    .command('gradcheck')
    .description('compare the gradient engines with exact bptt on the float64 reference: per-layer cosine, norm ratio, sign agreement')
    .option('--neuron <kind>', `neuron model: ${NEURON_KINDS.join('|')}`, oneOf('--neuron', NEURON_KINDS), d.neuron)
    .option('--layers <list>', 'network depths to test, e.g. 1,2,3,4 (each 1..8)', list('--layers', integer('--layers', 1, 8)), d.layers)
    .option('--units <n>', 'units per layer (1..64)', integer('--units', 1, 64), d.units)
    .option('--inputs <n>', 'network inputs, the first layer\'s fan-in (1..64; default: the same as --units), e.g. --inputs 8 --units 32 for the mcu-ref shape', integer('--inputs', 1, 64))
    .option('--steps <n>', 'sequence length T (1..10000)', integer('--steps', 1, 10000), d.steps)
    .option('--seeds <n>', 'number of seeds to average over (1..1000)', integer('--seeds', 1, 1000), d.seeds)
    .option('--recurrent <on|off>', 'lateral recurrence inside each layer: on|off', oneOf('--recurrent', ['on', 'off'] as const), d.recurrent ? 'on' : 'off')
    .option('--leak <flavour>', `e-prop leak: ${LEAK_FLAVOURS.join('|')}`, oneOf('--leak', LEAK_FLAVOURS), d.leak)
    .option('--kappa <k>', 'readout leak, in [0, 1)', real('--kappa', 0, 1), d.kappa)
    .option('--feedback <kind>', `learning-signal feedback: ${FEEDBACKS.join('|')}`, oneOf('--feedback', FEEDBACKS), d.feedback)
    .option('--reset <path>', `gradient through the spike reset: ${RESET_GRADS.join('|')}`, oneOf('--reset', RESET_GRADS), d.reset)
    .option('--engines <list>', `engines to compare with bptt: ${ENGINE_NAMES.join(',')}`, list('--engines', oneOf('--engines', ENGINE_NAMES)), d.engines)
    .option('--json', 'print one JSON object {"results":[...]} instead of a table')
    .option('--dump <file>', 'also write one sampled case (config, weights, inputs, targets, the loss E, every gradient) as JSON: the deepest --layers value')
    .option('--dump-seed <n>', 'which seed --dump writes (1..--seeds; default 1)', integer('--dump-seed', 1, 1000))
    .option('--fixed', 'compare the wasm core (fixed point) with the float64 reference engine of the same name instead of engines with bptt (eprop, deep-full, deep-fact; at most 4 layers)')
    .action((f: Flags) => {
      const o: GradcheckOptions = { ...f, recurrent: f.recurrent === 'on' };
      if (f.dumpSeed !== undefined && f.dumpSeed > f.seeds) throw new UsageError(`--dump-seed must be in [1, ${f.seeds}] (one of the --seeds), got '${f.dumpSeed}'`);
      if (f.dumpSeed !== undefined && f.dump === undefined) throw new UsageError('--dump-seed needs --dump <file>');
      if (f.fixed) return runFixed(o, f.json === true);
      const bar = progressBar('gradcheck', o.layers.length * o.seeds);
      const out = gradcheck(o, (done) => bar.update(done), f.dump !== undefined);
      bar.stop();
      if (f.dump && out.sample) {
        const tmp = `${f.dump}.tmp-${process.pid}`;
        writeFileSync(tmp, JSON.stringify(out.sample));
        renameSync(tmp, f.dump);
      }
      if (f.json) {
        process.stdout.write(JSON.stringify({ results: out.results }) + '\n');
        return;
      }
      const rec = o.recurrent ? 'on' : 'off';
      process.stdout.write(
        `gradcheck: ${o.neuron}, ${o.inputs ?? o.units} inputs, ${o.units} units/layer, T=${o.steps}, ${o.seeds} seeds, recurrence ${rec}, leak ${o.leak}, kappa ${o.kappa}, ` +
          `feedback ${o.feedback}, reset ${o.reset}\nper-layer values, lowest layer first, against bptt\n\n${formatTable(out.results)}\n`,
      );
      if (f.dump) process.stdout.write(`\nwrote ${f.dump}\n`);
    });
}

function runFixed(o: GradcheckOptions, json: boolean): void {
  if (o.layers.some((L) => L > 4)) throw new UsageError(`--layers must be in [1, 4] with --fixed (the core has at most 4 layers), got '${o.layers.join(',')}'`);
  const engines = o.engines.filter((e) => e === 'eprop' || e === 'deep-full' || e === 'deep-fact');
  if (engines.length === 0) throw new UsageError(`--engines must include eprop, deep-full or deep-fact with --fixed, got '${o.engines.join(',')}'`);
  const bar = progressBar('gradcheck --fixed', o.layers.length * engines.length * o.seeds);
  const rows = gradcheckFixed({ ...o, engines }, (done) => bar.update(done));
  bar.stop();
  if (json) {
    process.stdout.write(JSON.stringify({ fixed: true, results: rows }) + '\n');
    return;
  }
  process.stdout.write(
    `gradcheck --fixed: wasm core vs float64 reference of the same engine, ${o.neuron}, ${o.inputs ?? o.units} inputs, ${o.units} units/layer, T=${o.steps}, ${o.seeds} seeds, ` +
      `recurrence ${o.recurrent ? 'on' : 'off'}, kappa ${o.kappa}\nper-layer values, lowest layer first; the reference follows the core's trajectory ` +
      `(state copied every step: the arithmetic alone), except in the last column (both run free: a rounding-flipped spike can decorrelate them)\n\n${formatFixed(rows)}\n`,
  );
}

function formatFixed(rows: FixedRow[]): string {
  const f = (xs: number[]) => xs.map((x) => x.toFixed(3).replace(/^0/, '')).join('/');
  const lines = [['L', 'engine', 'cosine (mean)', 'cosine (std)', 'norm ratio', 'sign agreement', 'cosine, free-running']];
  for (const r of rows) {
    if (r.error) lines.push([String(r.layers), r.engine, `refused by the core: ${r.error}`, '', '', '', '']);
    else lines.push([String(r.layers), r.engine, f(r.cosine), f(r.cosineStd), f(r.normRatio), f(r.signAgreement), f(r.freeCosine)]);
  }
  const w = lines[0].map((_, c) => Math.max(...lines.filter((l) => !l[2].startsWith('refused') || c < 2).map((l) => l[c].length)));
  return lines.map((l) => l.map((s, c) => (l[2].startsWith('refused') && c >= 2 ? s : s.padEnd(w[c]))).join('  ').trimEnd()).join('\n');
}
