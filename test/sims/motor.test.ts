import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Motor, motorDefaults, motorDiscreteModel, motorInertia } from '../../sims/robot/motor.ts';

const p = motorDefaults;

test('steady state: speed and current match the DC equations', () => {
  const m = new Motor();
  const V = 9;
  for (let k = 0; k < 1000; k++) m.step([V]);
  const [, omega, i] = m.state;
  // R i = V - ke N omega and eta N kt i = b omega + tauC tanh(omega / omegaS)
  assert.ok(Math.abs(p.R * i - (V - p.ke * p.N * omega)) < 1e-6);
  assert.ok(Math.abs(p.eta * p.N * p.kt * i - (p.b * omega + p.tauC * Math.tanh(omega / p.omegaS))) < 1e-6);
  assert.ok(omega > 10 && omega < V / (p.ke * p.N), `omega ${omega}`);
});

test('mechanical time constant as modelled; voltage clipped at vMax; angle integrates speed', () => {
  const m = new Motor({ params: { tauC: 0 } });
  const model = motorDiscreteModel(m.params);
  const final = (model.b * 6) / (1 - model.a); // steady state of the discrete model (no Coulomb)
  let k = 0;
  while (m.state[1] < 0.632 * final) {
    m.step([6]);
    k++;
  }
  const tau = -m.dt / Math.log(model.a);
  assert.ok(Math.abs(k * m.dt - tau) < 0.1 * tau, `${k * m.dt} s vs ${tau} s`);
  const a = new Motor(), b = new Motor();
  for (let j = 0; j < 50; j++) {
    a.step([100]);
    b.step([p.vMax]);
  }
  assert.equal(Array.from(a.state), Array.from(b.state));
  assert.ok(a.state[0] > 0);
  assert.ok(motorInertia(p) > p.Jload);
});

test.run();
