// Tracking metrics on signals whose answers are known.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recoveryTime, rms, windowedRms } from '../../sims/loop/metrics.ts';

const dt = 0.01;
const phases = { warmup: 2, change: 10, end: 30 };

function signal(f: (t: number) => number, T = 30) {
  return Float64Array.from({ length: Math.round(T / dt) }, (_, k) => f(k * dt));
}

test('rms of a constant and of a sine', () => {
  assert.ok(Math.abs(rms(signal(() => 0.3), dt, 0, 10) - 0.3) < 1e-12);
  assert.ok(Math.abs(rms(signal((t) => Math.sin(2 * Math.PI * t)), dt, 0, 10) - Math.SQRT1_2) < 1e-3);
  assert.ok(Number.isNaN(rms(signal(() => 1), dt, 5, 5)));
});

test('windowed rms has one value per hop', () => {
  const w = windowedRms(signal(() => 2, 10), dt, 1, 0.5);
  assert.is(w.length, 19);
  assert.ok(w.every((p) => Math.abs(p.rms - 2) < 1e-12));
});

test('recovery: an error that doubles at the change and decays back recovers when it is within 1.2x', () => {
  // error 0.1 before; after the change 0.2 decaying with time constant 2 s toward 0.1
  const e = signal((t) => (t < 10 ? 0.1 : 0.1 + 0.1 * Math.exp(-(t - 10) / 2)));
  const r = recoveryTime(e, dt, phases, 1);
  // within 1.2x when 0.1 e^{-s/2} averaged over the window <= 0.02: around s = 3.2 + window
  assert.ok(r !== null && r > 3 && r < 5, `${r}`);
});

test('recovery: a lasting step never recovers; no change at all recovers after one window', () => {
  assert.is(recoveryTime(signal((t) => (t < 10 ? 0.1 : 0.2)), dt, phases, 1), null);
  const r = recoveryTime(signal(() => 0.1), dt, phases, 1);
  assert.ok(r !== null && Math.abs(r - 1) < 1e-9);
});

test.run();
