// Exact rigid-body dynamics of the two-link arm (see arm2.ts for the frame, units and defaults), written
// through its linear-in-parameters form so that the plant, the inverse dynamics and the regressor can
// never disagree.
//
// Link 2 and the tip payload together: M2 = m2 + payload, S2 = m2 lc2 + payload l2 (first moment about
// joint 2), J2 = I2 + m2 lc2^2 + payload l2^2 (inertia about joint 2); link 1: S1 = m1 lc1,
// J1 = I1 + m1 lc1^2 (about joint 1). Parameter vector (6):
//   a = [ J1 + J2 + M2 l1^2,  l1 S2,  J2,  (S1 + M2 l1) g,  b1,  b2 ]
// With c2 = cos q2, s2 = sin q2, c1 = cos q1, c12 = cos(q1 + q2), h = a2 s2, k = g / l1:
//   M(q)     = [[a1 + 2 a2 c2, a3 + a2 c2], [a3 + a2 c2, a3]]
//   C(q, dq) = [[-h dq2, -h (dq1 + dq2)], [h dq1, 0]]       (dM/dt - 2C is skew-symmetric)
//   g(q)     = [a4 c1 + a2 k c12, a2 k c12]
//   friction = [b1 dq1, b2 dq2]
//   tau = M(q) qdd + C(q, dq) dq + g(q) + friction
// Energy: E = 1/2 dq^T M dq + a4 sin q1 + a2 k sin(q1 + q2).
// Matrices are Float64Arrays in row-major order (2x2: [m11, m12, m21, m22]; Y: 2x6).

export interface Arm2Physical {
  m1: number;
  l1: number;
  lc1: number;
  I1: number;
  m2: number;
  l2: number;
  lc2: number;
  I2: number;
  payload: number;
  b1: number;
  b2: number;
  g: number;
}

/** The constants a regressor needs (known geometry, not estimated). */
export type Arm2Kinematics = Pick<Arm2Physical, 'l1' | 'g'>;

export const arm2ParameterNames = ['J1+J2+M2*l1^2', 'l1*S2', 'J2', '(S1+M2*l1)*g', 'b1', 'b2'] as const;
export const ARM2_NUM_PARAMS = 6;

type V = ArrayLike<number>;

export function inertialParameters(p: Arm2Physical): Float64Array {
  const M2 = p.m2 + p.payload;
  const S2 = p.m2 * p.lc2 + p.payload * p.l2;
  const J2 = p.I2 + p.m2 * p.lc2 ** 2 + p.payload * p.l2 ** 2;
  const J1 = p.I1 + p.m1 * p.lc1 ** 2;
  const S1 = p.m1 * p.lc1;
  return Float64Array.of(J1 + J2 + M2 * p.l1 ** 2, p.l1 * S2, J2, (S1 + M2 * p.l1) * p.g, p.b1, p.b2);
}

export function massMatrix(q: V, p: Arm2Physical): Float64Array {
  const a = inertialParameters(p);
  const c2 = Math.cos(q[1]);
  const m12 = a[2] + a[1] * c2;
  return Float64Array.of(a[0] + 2 * a[1] * c2, m12, m12, a[2]);
}

export function coriolis(q: V, dq: V, p: Arm2Physical): Float64Array {
  const h = inertialParameters(p)[1] * Math.sin(q[1]);
  return Float64Array.of(-h * dq[1], -h * (dq[0] + dq[1]), h * dq[0], 0);
}

export function gravity(q: V, p: Arm2Physical): Float64Array {
  const a = inertialParameters(p);
  const g2 = a[1] * (p.g / p.l1) * Math.cos(q[0] + q[1]);
  return Float64Array.of(a[3] * Math.cos(q[0]) + g2, g2);
}

export function friction(dq: V, p: Arm2Physical): Float64Array {
  return Float64Array.of(p.b1 * dq[0], p.b2 * dq[1]);
}

const mul22 = (m: Float64Array, v: V) => Float64Array.of(m[0] * v[0] + m[1] * v[1], m[2] * v[0] + m[3] * v[1]);

export function inverseDynamics(q: V, dq: V, qdd: V, p: Arm2Physical): Float64Array {
  const Mq = mul22(massMatrix(q, p), qdd);
  const Cq = mul22(coriolis(q, dq, p), dq);
  const g = gravity(q, p);
  const f = friction(dq, p);
  return Float64Array.of(Mq[0] + Cq[0] + g[0] + f[0], Mq[1] + Cq[1] + g[1] + f[1]);
}

/** qdd = M(q)^-1 (tau - C(q, dq) dq - g(q) - friction). */
export function forwardDynamics(q: V, dq: V, tau: V, p: Arm2Physical): Float64Array {
  const bias = inverseDynamics(q, dq, [0, 0], p);
  const r0 = tau[0] - bias[0], r1 = tau[1] - bias[1];
  const [m11, m12, , m22] = massMatrix(q, p);
  const det = m11 * m22 - m12 * m12;
  return Float64Array.of((m22 * r0 - m12 * r1) / det, (m11 * r1 - m12 * r0) / det);
}

/** Y(q, dq, qr_d, qr_dd) (2x6) with M(q) qr_dd + C(q, dq) qr_d + g(q) + B qr_d = Y a. */
export function regressor(q: V, dq: V, qrd: V, qrdd: V, k: Arm2Kinematics): Float64Array {
  const c2 = Math.cos(q[1]), s2 = Math.sin(q[1]);
  const c1 = Math.cos(q[0]), c12k = (k.g / k.l1) * Math.cos(q[0] + q[1]);
  const [v1, v2] = [qrd[0], qrd[1]];
  const [a1, a2] = [qrdd[0], qrdd[1]];
  return Float64Array.of(
    a1, c2 * (2 * a1 + a2) - s2 * (dq[1] * v1 + (dq[0] + dq[1]) * v2) + c12k, a2, c1, v1, 0,
    0, c2 * a1 + s2 * dq[0] * v1 + c12k, a1 + a2, 0, 0, v2,
  );
}

export function energy(q: V, dq: V, p: Arm2Physical): number {
  const a = inertialParameters(p);
  const [m11, m12, , m22] = massMatrix(q, p);
  const kinetic = 0.5 * (m11 * dq[0] * dq[0] + 2 * m12 * dq[0] * dq[1] + m22 * dq[1] * dq[1]);
  return kinetic + a[3] * Math.sin(q[0]) + a[1] * (p.g / p.l1) * Math.sin(q[0] + q[1]);
}

/** Tip position (m) in the arm's plane: x horizontal, y up. */
export function tipPosition(q: V, p: Pick<Arm2Physical, 'l1' | 'l2'>): [number, number] {
  return [p.l1 * Math.cos(q[0]) + p.l2 * Math.cos(q[0] + q[1]), p.l1 * Math.sin(q[0]) + p.l2 * Math.sin(q[0] + q[1])];
}
