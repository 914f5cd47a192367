import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Arm2, arm2Defaults, coriolis, energy, forwardDynamics, friction, gravity, inertialParameters, inverseDynamics, massMatrix, regressor } from '../../sims/robot/arm2.ts';
import { Rng } from '../../sims/random.ts';

const p = arm2Defaults;
const rng = new Rng(11);
const rand = (s = 2) => [rng.uniform(-s, s), rng.uniform(-s, s)];
const close = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol, `${msg ?? ''} ${a} vs ${b}`);

test('energy is conserved with no friction and no torque (2 s, swinging from horizontal)', () => {
  const arm = new Arm2({ params: { b1: 0, b2: 0, initSpread: 0, q0: [0.2, 0.6] } });
  const E = () => energy([arm.state[0], arm.state[1]], [arm.state[2], arm.state[3]], arm.params);
  const E0 = E();
  let maxDrift = 0;
  for (let k = 0; k < 200; k++) {
    arm.step([0, 0]);
    maxDrift = Math.max(maxDrift, Math.abs(E() - E0));
  }
  const scale = inertialParameters(arm.params)[3]; // ~ the potential energy range, J
  assert.ok(maxDrift < 1e-5 * scale, `energy drift ${maxDrift} J`);
  assert.ok(Math.abs(arm.state[2]) > 0.5, 'it did swing');
});

test('with friction the energy only decreases', () => {
  const arm = new Arm2({ params: { initSpread: 0, q0: [0.2, 0.6] } });
  let prev = energy([arm.state[0], arm.state[1]], [0, 0], arm.params);
  for (let k = 0; k < 200; k++) {
    arm.step([0, 0]);
    const e = energy([arm.state[0], arm.state[1]], [arm.state[2], arm.state[3]], arm.params);
    assert.ok(e <= prev + 1e-9);
    prev = e;
  }
});

test('M(q) is symmetric positive definite; dM/dt - 2C is skew-symmetric', () => {
  for (let i = 0; i < 50; i++) {
    const q = rand(Math.PI), dq = rand(3);
    const M = massMatrix(q, p);
    assert.is(M[1], M[2]);
    assert.ok(M[0] > 0 && M[0] * M[3] - M[1] * M[2] > 0);
    const h = 1e-6;
    const Mp = massMatrix([q[0] + h * dq[0], q[1] + h * dq[1]], p), Mm = massMatrix([q[0] - h * dq[0], q[1] - h * dq[1]], p);
    const C = coriolis(q, dq, p);
    const N = [0, 1, 2, 3].map((k) => (Mp[k] - Mm[k]) / (2 * h) - 2 * C[k]);
    close(N[0], 0, 1e-6);
    close(N[3], 0, 1e-6);
    close(N[1], -N[2], 1e-6);
  }
});

test('gravity is the gradient of the potential energy', () => {
  for (let i = 0; i < 20; i++) {
    const q = rand(Math.PI), h = 1e-6;
    const g = gravity(q, p);
    close(g[0], (energy([q[0] + h, q[1]], [0, 0], p) - energy([q[0] - h, q[1]], [0, 0], p)) / (2 * h), 1e-6);
    close(g[1], (energy([q[0], q[1] + h], [0, 0], p) - energy([q[0], q[1] - h], [0, 0], p)) / (2 * h), 1e-6);
  }
});

test('inverse and forward dynamics agree; the regressor reproduces M qr_dd + C qr_d + g + B qr_d', () => {
  const params = { ...p, payload: 0.8, b1: 0.3 };
  const a = inertialParameters(params);
  for (let i = 0; i < 50; i++) {
    const q = rand(Math.PI), dq = rand(3), qdd = rand(10), qrd = rand(3), qrdd = rand(10);
    const tau = inverseDynamics(q, dq, qdd, params);
    const back = forwardDynamics(q, dq, tau, params);
    close(back[0], qdd[0], 1e-9);
    close(back[1], qdd[1], 1e-9);
    const M = massMatrix(q, params), C = coriolis(q, dq, params), g = gravity(q, params), f = friction(qrd, params);
    const Y = regressor(q, dq, qrd, qrdd, params);
    for (let r = 0; r < 2; r++) {
      const direct = M[2 * r] * qrdd[0] + M[2 * r + 1] * qrdd[1] + C[2 * r] * qrd[0] + C[2 * r + 1] * qrd[1] + g[r] + f[r];
      const ya = a.reduce((s, aj, j) => s + Y[6 * r + j] * aj, 0);
      close(ya, direct, 1e-9, `row ${r}`);
    }
  }
});

test('hanging straight down is an equilibrium; torques saturate at tauMax', () => {
  const arm = new Arm2({ params: { initSpread: 0 } });
  for (let k = 0; k < 100; k++) arm.step([0, 0]);
  assert.ok(arm.state.every((v, i) => Math.abs(v - [-Math.PI / 2, 0, 0, 0][i]) < 1e-9));
  assert.equal(Array.from(arm.appliedTorque([1000, -1000])), [40, -20]);
});

test.run();
