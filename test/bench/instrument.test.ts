// The instruction counter on tiny modules whose executed instructions can be counted by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import binaryen from 'binaryen';
import { fibValue, fibWatInstructions } from '../../bench/fib.ts';
import { instrument, InstructionCounter, staticInstructionCounts } from '../../bench/instrument.ts';

function assemble(wat: string): Uint8Array<ArrayBuffer> {
  const m = binaryen.parseText(wat);
  try {
    assert.ok(m.validate(), 'fixture validates');
    return new Uint8Array(m.emitBinary());
  } finally {
    m.dispose();
  }
}

function load(wat: string): { exports: WebAssembly.Exports; counter: InstructionCounter } {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(instrument(assemble(wat)).binary), {});
  return { exports: inst.exports, counter: new InstructionCounter(inst.exports) };
}

// Sum 0..n-1. block 1 + loop 1; each iteration runs 13 (test 4, add 4, increment 4, br);
// the last test runs 4 (br_if taken out of the middle of the loop body); local.get 1.
// Total 13 n + 7.
const SUM = `(module
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    block $done
      loop $next
        local.get $i
        local.get $n
        i32.ge_s
        br_if $done
        local.get $s
        local.get $i
        i32.add
        local.set $s
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $next
      end
    end
    local.get $s))`;

test('a loop of n iterations runs 13 n + 7 instructions', () => {
  const { exports, counter } = load(SUM);
  const sum = exports.sum as (n: number) => number;
  for (const n of [0, 1, 2, 10, 1000]) {
    counter.reset();
    assert.is(sum(n), (n * (n - 1)) / 2);
    assert.is(counter.read(), 13 * n + 7, `n = ${n}`);
  }
});

// A value-carrying br_if out of a labelled block (odd k: 8 instructions), a br_table to two
// targets (k = 0: 17; k >= 2: 16), and a join after the value block.
const PICK = `(module
  (func (export "pick") (param $k i32) (result i32)
    block $out (result i32)
      i32.const 7
      local.get $k
      i32.const 1
      i32.and
      br_if $out
      drop
      block $two
        block $one
          local.get $k
          i32.const 1
          i32.shr_u
          br_table $one $two $two
        end
        i32.const 1
        br $out
      end
      i32.const 2
    end
    i32.const 100
    i32.add))`;

test('br_if with a value, br_table and joins count exactly', () => {
  const { exports, counter } = load(PICK);
  const pick = exports.pick as (k: number) => number;
  const cases: [number, number, number][] = [[1, 107, 8], [3, 107, 8], [0, 101, 17], [2, 102, 16], [4, 102, 16], [6, 102, 16]];
  for (const [k, value, count] of cases) {
    counter.reset();
    assert.is(pick(k), value, `pick(${k})`);
    assert.is(counter.read(), count, `count for k = ${k}`);
  }
});

// if/else with a value and recursive calls: 5 per leaf call, 13 per inner call.
const FIB = `(module
  (func $fib (export "fib") (param $n i32) (result i32)
    local.get $n
    i32.const 2
    i32.lt_u
    if (result i32)
      local.get $n
    else
      local.get $n
      i32.const 1
      i32.sub
      call $fib
      local.get $n
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end))`;

test('recursive fib matches its closed form', () => {
  const { exports, counter } = load(FIB);
  const fib = exports.fib as (n: number) => number;
  for (const n of [0, 1, 2, 3, 10, 15]) {
    counter.reset();
    assert.is(fib(n), fibValue(n));
    assert.is(counter.read(), fibWatInstructions(n), `fib(${n})`);
  }
  assert.is(fibWatInstructions(2), 5 + 5 + 13);
});

test('the static count is the instructions written', () => {
  assert.equal(staticInstructionCounts(assemble(FIB)), [14]);
  // binaryen's writer puts a (dead) unreachable after a loop that never falls through: 16 + 1.
  assert.equal(staticInstructionCounts(assemble(SUM)), [17]);
});

test('measure() returns the instructions of one call', () => {
  const { exports, counter } = load(SUM);
  const sum = exports.sum as (n: number) => number;
  sum(5);
  assert.is(counter.measure(() => sum(3)), 13 * 3 + 7);
});


// i64 counters: per iteration 2 i64 local.gets, an i64.mul, an i64 local.set (4 i64 operations, one
// multiply) and the i32 loop control; then an i64.const, wrap and its operand (3 more, outside the loop).
const MUL64 = `(module
  (func (export "pow") (param $n i32) (param $x i64) (result i32) (local $i i32) (local $p i64)
    i64.const 1
    local.set $p
    block $done
      loop $next
        local.get $i
        local.get $n
        i32.ge_s
        br_if $done
        local.get $p
        local.get $x
        i64.mul
        local.set $p
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $next
      end
    end
    local.get $p
    i32.wrap_i64))`;

test('i64 operations and i64 multiplies are counted apart from the total', () => {
  const { exports, counter } = load(MUL64);
  const pow = exports.pow as (n: number, x: bigint) => number;
  for (const n of [0, 1, 5, 100]) {
    const c = counter.measureAll(() => assert.is(pow(n, 3n), Number(BigInt.asIntN(32, 3n ** BigInt(n)))));
    // i64.const + local.set (2), 4 per iteration, local.get + wrap (2).
    assert.is(c.i64, 4 * n + 4, `i64 ops, n = ${n}`);
    assert.is(c.i64mul, n, `i64 muls, n = ${n}`);
    assert.ok(c.all > c.i64, 'the total includes the i32 loop control');
  }
});

test.run();
