// Small helpers shared by the controllers.

/** A gain given as one number or one per element, as a Float64Array of length n. */
export function gains(what: string, v: number | ArrayLike<number>, n: number): Float64Array {
  const out = typeof v === 'number' ? new Float64Array(n).fill(v) : Float64Array.from(v as ArrayLike<number>);
  if (out.length !== n) throw new Error(`${what} must be one number or ${n} numbers, got ${out.length}`);
  if (out.some((x) => !Number.isFinite(x) && x !== Infinity)) throw new Error(`${what} must be numbers`);
  return out;
}

export const clamp = (v: number, lim: number) => Math.min(Math.max(v, -lim), lim);
