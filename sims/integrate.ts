// Classical fixed-step fourth-order Runge-Kutta for the robot plants (the Gym plants keep their own
// integrators to match Gymnasium's operation order).

export type Derivative = (y: Float64Array, out: Float64Array) => void;

/** Advance y in place by `substeps` RK4 steps of size h = dt / substeps (u held constant by f). */
export function rk4(f: Derivative, y: Float64Array, dt: number, substeps = 1): void {
  const n = y.length;
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const h = dt / substeps;
  for (let s = 0; s < substeps; s++) {
    f(y, k1);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
    f(tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
    f(tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * k3[i];
    f(tmp, k4);
    for (let i = 0; i < n; i++) y[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
}
