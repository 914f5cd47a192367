// Counting executed wasm instructions: a copy of a module with a counter added to every
// straight-line region of every function body, using binaryen's tree IR.
//
// Cost model: every binaryen expression node is one wasm instruction (block, loop and if count
// once, at their opcode; `end` and `else` count zero), except a block without a label, which is
// only a grouping in binaryen's tree and has no opcode in the binary. staticInstructionCount()
// lets a caller check this model against a disassembler on the same binary.
//
// Regions: the nodes in execution (stack-machine) order between an entry point and an exit.
// Entry points are the function start, a loop body's start (branch target), each arm of an if,
// the point after a labelled block or an if (join), and the point after a br_if (fall-through).
// Exits are br, br_if, br_table, return and unreachable (a call returns, so it does not end a
// region). Each region's instruction count is added to a global at the region's entry, so the
// counter is exact for every run that does not trap.
//
// Two more counters run beside it, for what a 32-bit MCU pays extra: i64 operations (a node with
// cost 1, other than block/loop/if/br/call/return, that produces an i64 or takes an i64 operand:
// arithmetic, comparisons, wrap/extend, i64 loads/stores, consts, local and global moves; WASM3 and
// a Cortex-M run each as several 32-bit operations), and of those the i64 multiplies (i64.mul).
import binaryen from 'binaryen';

type Ref = number;
type Accessor = Record<string, (...args: number[]) => number>;

/** Exports the instrumented module adds. */
export const COUNT_GETTER = '__icount_get';
export const COUNT_RESET = '__icount_reset';
export const COUNT_I64_GETTER = '__icount_i64_get';
export const COUNT_I64MUL_GETTER = '__icount_i64mul_get';
const COUNTER_GLOBAL = '__icount';
const I64_GLOBAL = '__icount_i64';
const I64MUL_GLOBAL = '__icount_i64mul';

const B = binaryen as unknown as Record<string, Accessor>;
const Id = {
  Block: binaryen.BlockId,
  If: binaryen.IfId,
  Loop: binaryen.LoopId,
  Break: binaryen.BreakId,
  Switch: binaryen.SwitchId,
  Call: binaryen.CallId,
  CallIndirect: binaryen.CallIndirectId,
  Return: binaryen.ReturnId,
  Unreachable: binaryen.UnreachableId,
};

/** Nodes with fixed child slots: wrapper class and child properties, in evaluation order. */
const FIXED: Record<number, [string, string[]]> = {
  [binaryen.UnaryId]: ['Unary', ['Value']],
  [binaryen.BinaryId]: ['Binary', ['Left', 'Right']],
  [binaryen.LoadId]: ['Load', ['Ptr']],
  [binaryen.StoreId]: ['Store', ['Ptr', 'Value']],
  [binaryen.LocalSetId]: ['LocalSet', ['Value']],
  [binaryen.GlobalSetId]: ['GlobalSet', ['Value']],
  [binaryen.DropId]: ['Drop', ['Value']],
  [binaryen.ReturnId]: ['Return', ['Value']],
  [binaryen.SelectId]: ['Select', ['IfTrue', 'IfFalse', 'Condition']],
  [binaryen.MemoryGrowId]: ['MemoryGrow', ['Delta']],
  [binaryen.BreakId]: ['Break', ['Value', 'Condition']],
  [binaryen.SwitchId]: ['Switch', ['Value', 'Condition']],
  [binaryen.LocalGetId]: ['LocalGet', []],
  [binaryen.GlobalGetId]: ['GlobalGet', []],
  [binaryen.ConstId]: ['Const', []],
  [binaryen.NopId]: ['Nop', []],
  [binaryen.UnreachableId]: ['Unreachable', []],
  [binaryen.MemorySizeId]: ['MemorySize', []],
};

/** A place in the tree holding one expression: read and replace it. */
interface Slot {
  get(): Ref;
  set(e: Ref): void;
}

function fieldSlot(cls: string, prop: string, parent: Ref): Slot {
  return { get: () => B[cls]['get' + prop](parent), set: (e) => void B[cls]['set' + prop](parent, e) };
}
function listSlot(cls: string, getter: string, setter: string, parent: Ref, i: number): Slot {
  return { get: () => B[cls][getter](parent, i), set: (e) => void B[cls][setter](parent, i, e) };
}

/** Child slots of a node, in the order the node evaluates them (control-flow nodes aside). */
function operandSlots(e: Ref): Slot[] {
  const id = binaryen.getExpressionId(e);
  if (id === Id.Call || id === Id.CallIndirect) {
    const cls = id === Id.Call ? 'Call' : 'CallIndirect';
    const n = B[cls].getNumOperands(e);
    const slots = Array.from({ length: n }, (_, i) => listSlot(cls, 'getOperandAt', 'setOperandAt', e, i));
    if (id === Id.CallIndirect) slots.push(fieldSlot(cls, 'Target', e));
    return slots;
  }
  const fixed = FIXED[id];
  if (!fixed) throw new Error(`instrument: unsupported expression id ${id}`);
  return fixed[1].map((p) => fieldSlot(fixed[0], p, e)).filter((s) => s.get() !== 0);
}

/** Instructions one node stands for in the binary (see the cost model above). */
function nodeCost(e: Ref): number {
  return binaryen.getExpressionId(e) === Id.Block && !B.Block.getName(e) ? 0 : 1;
}

/** Nodes that can be i64 operations (see the header): data nodes only, not control flow or calls. */
const DATA_IDS = new Set<number>([
  binaryen.UnaryId, binaryen.BinaryId, binaryen.LoadId, binaryen.StoreId, binaryen.LocalSetId, binaryen.GlobalSetId,
  binaryen.DropId, binaryen.SelectId, binaryen.LocalGetId, binaryen.GlobalGetId, binaryen.ConstId,
]);

/** [is an i64 operation, is an i64 multiply] for one node (see the header). */
function i64Kind(e: Ref): [boolean, boolean] {
  const id = binaryen.getExpressionId(e);
  if (!DATA_IDS.has(id)) return [false, false];
  const i64 = binaryen.getExpressionType(e) === binaryen.i64 ||
    operandSlots(e).some((s) => binaryen.getExpressionType(s.get()) === binaryen.i64);
  const mul = i64 && id === binaryen.BinaryId && B.Binary.getOp(e) === (binaryen as unknown as { MulInt64: number }).MulInt64;
  return [i64, mul];
}

/** A straight-line region: its instruction count, and where its increment goes (null: dead code). */
interface Region {
  count: number;
  /** Of count: i64 operations, and of those i64 multiplies. */
  i64: number;
  i64mul: number;
  at: Slot | null;
  /** prefix: before the expression in `at` runs; suffix: after it completes. */
  where: 'prefix' | 'suffix';
}

/** Walks one function body in execution order and returns its regions. */
function findRegions(body: Slot): Region[] {
  const regions: Region[] = [];
  let cur: Region = { count: 0, i64: 0, i64mul: 0, at: null, where: 'prefix' };
  const start = (at: Slot | null, where: Region['where']) => {
    cur = { count: 0, i64: 0, i64mul: 0, at, where };
    if (at) regions.push(cur);
  };
  const dead = () => start(null, 'prefix');

  const visit = (slot: Slot): void => {
    const e = slot.get();
    const id = binaryen.getExpressionId(e);
    const type = binaryen.getExpressionType(e);
    if (id === Id.Block) {
      const labelled = !!B.Block.getName(e);
      cur.count += labelled ? 1 : 0;
      const n = B.Block.getNumChildren(e);
      for (let i = 0; i < n; i++) visit(listSlot('Block', 'getChildAt', 'setChildAt', e, i));
      // Branches to the label land after the block: a join.
      if (labelled) type === binaryen.unreachable ? dead() : start(slot, 'suffix');
    } else if (id === Id.Loop) {
      cur.count += 1; // the loop opcode runs once, on entry
      const body = fieldSlot('Loop', 'Body', e);
      start(body, 'prefix'); // branches to the label land at the body's start
      visit(body);
      // Falling out of the loop continues the body's last region.
    } else if (id === Id.If) {
      visit(fieldSlot('If', 'Condition', e));
      cur.count += 1;
      const arms = ['IfTrue', 'IfFalse'].map((p) => fieldSlot('If', p, e)).filter((s) => s.get() !== 0);
      for (const arm of arms) {
        start(arm, 'prefix');
        visit(arm);
      }
      type === binaryen.unreachable ? dead() : start(slot, 'suffix');
    } else {
      for (const child of operandSlots(e)) visit(child);
      cur.count += 1;
      const [i64, mul] = i64Kind(e);
      if (i64) cur.i64 += 1;
      if (mul) cur.i64mul += 1;
      if (id === Id.Break) {
        // br_if may fall through; br never does.
        B.Break.getCondition(e) !== 0 && type !== binaryen.unreachable ? start(slot, 'suffix') : dead();
      } else if (id === Id.Switch || id === Id.Return || id === Id.Unreachable) {
        dead();
      }
    }
  };

  start(body, 'prefix');
  visit(body);
  return regions;
}

/** Sum of node costs per defined function (in module order): the static count of the cost model. */
export function staticInstructionCounts(wasm: Uint8Array): number[] {
  const m = binaryen.readBinary(wasm);
  try {
    const counts: number[] = [];
    let total = 0;
    const walk = (e: Ref): void => {
      total += nodeCost(e);
      const id = binaryen.getExpressionId(e);
      if (id === Id.Block) {
        for (let i = 0; i < B.Block.getNumChildren(e); i++) walk(B.Block.getChildAt(e, i));
      } else if (id === Id.Loop) {
        walk(B.Loop.getBody(e));
      } else if (id === Id.If) {
        for (const c of [B.If.getCondition(e), B.If.getIfTrue(e), B.If.getIfFalse(e)]) if (c) walk(c);
      } else {
        for (const s of operandSlots(e)) walk(s.get());
      }
    };
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const body = binaryen.getFunctionInfo(m.getFunctionByIndex(i)).body;
      if (!body) continue;
      total = 0;
      walk(body);
      counts.push(total);
    }
    return counts;
  } finally {
    m.dispose();
  }
}

export interface Instrumented {
  /** The instrumented module (exports COUNT_GETTER and COUNT_RESET besides the original's). */
  binary: Uint8Array<ArrayBuffer>;
  /** Counter increments inserted. */
  regions: number;
  /** Functions instrumented. */
  functions: number;
}

/** A copy of `wasm` that counts its executed instructions in an i64 global. */
export function instrument(wasm: Uint8Array): Instrumented {
  const m = binaryen.readBinary(wasm);
  try {
    const i64 = binaryen.i64;
    // This binaryen takes one bigint for i64.const (its .d.ts still shows the old low/high pair).
    const i64const = (k: number) => (m.i64.const as unknown as (v: bigint) => Ref)(BigInt(k));
    const add = (g: string, k: number) => m.global.set(g, m.i64.add(m.global.get(g, i64), i64const(k)));
    const increments = (r: Region): Ref[] => [
      add(COUNTER_GLOBAL, r.count),
      ...(r.i64 ? [add(I64_GLOBAL, r.i64)] : []),
      ...(r.i64mul ? [add(I64MUL_GLOBAL, r.i64mul)] : []),
    ];
    let regions = 0;
    let functions = 0;
    for (let i = 0, n = m.getNumFunctions(); i < n; i++) {
      const fn = m.getFunctionByIndex(i);
      if (!binaryen.getFunctionInfo(fn).body) continue; // imported
      functions++;
      const temps = new Map<number, number>(); // one scratch local per value type
      const scratch = (type: number): number => {
        let idx = temps.get(type);
        if (idx === undefined) {
          idx = (binaryen as unknown as { _BinaryenFunctionAddVar(f: Ref, t: number): number })._BinaryenFunctionAddVar(fn, type);
          temps.set(type, idx);
        }
        return idx;
      };
      const body: Slot = { get: () => B.Function.getBody(fn), set: (e) => void B.Function.setBody(fn, e) };
      for (const r of findRegions(body)) {
        if (r.count === 0 || !r.at) continue;
        const e = r.at.get();
        const type = binaryen.getExpressionType(e);
        if (r.where === 'prefix') {
          r.at.set(m.block(null, [...increments(r), e], binaryen.auto));
        } else if (type === binaryen.none) {
          r.at.set(m.block(null, [e, ...increments(r)], binaryen.none));
        } else if (type !== binaryen.unreachable) {
          // Keep the value on the side while the counter runs. Nested uses of one scratch local
          // are safe: each set is read back before any enclosing set happens.
          const idx = scratch(type);
          r.at.set(m.block(null, [m.local.set(idx, e), ...increments(r), m.local.get(idx, type)], type));
        } else {
          continue;
        }
        regions++;
      }
    }
    const getters: [string, string][] = [[COUNTER_GLOBAL, COUNT_GETTER], [I64_GLOBAL, COUNT_I64_GETTER], [I64MUL_GLOBAL, COUNT_I64MUL_GETTER]];
    for (const [g, getter] of getters) {
      m.addGlobal(g, i64, true, i64const(0));
      m.addFunction(getter, binaryen.none, binaryen.f64, [], m.f64.convert_u.i64(m.global.get(g, i64)));
      m.addFunctionExport(getter, getter);
    }
    m.addFunction(COUNT_RESET, binaryen.none, binaryen.none, [], m.block(null, getters.map(([g]) => m.global.set(g, i64const(0))), binaryen.none));
    m.addFunctionExport(COUNT_RESET, COUNT_RESET);
    if (!m.validate()) throw new Error('instrument: the instrumented module does not validate');
    return { binary: new Uint8Array(m.emitBinary()), regions, functions };
  } finally {
    m.dispose();
  }
}

/** Instructions, i64 operations and i64 multiplies of one measured call. */
export interface Counts {
  all: number;
  i64: number;
  i64mul: number;
}

/** The counter of an instance of an instrumented module. */
export class InstructionCounter {
  private readonly get: () => number;
  private readonly getI64: () => number;
  private readonly getI64Mul: () => number;
  private readonly clear: () => void;

  constructor(exports: WebAssembly.Exports) {
    const fns = [COUNT_GETTER, COUNT_I64_GETTER, COUNT_I64MUL_GETTER, COUNT_RESET].map((k) => exports[k]);
    if (fns.some((f) => typeof f !== 'function')) throw new Error('not an instrumented module');
    [this.get, this.getI64, this.getI64Mul, this.clear] = fns as [() => number, () => number, () => number, () => void];
  }

  /** Instructions, i64 operations and i64 multiplies `fn` executes. */
  measureAll(fn: () => void): Counts {
    const a = this.get(), b = this.getI64(), c = this.getI64Mul();
    fn();
    return { all: this.get() - a, i64: this.getI64() - b, i64mul: this.getI64Mul() - c };
  }

  /** Instructions executed since the last reset. */
  read(): number {
    return this.get();
  }
  reset(): void {
    this.clear();
  }
  /** Instructions `fn` executes. */
  measure(fn: () => void): number {
    const before = this.get();
    fn();
    return this.get() - before;
  }
}
