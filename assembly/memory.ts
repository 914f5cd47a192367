// Raw linear-memory access for the arena. One place so that every load and store of the core's
// state goes through helpers with fixed widths.

// @ts-ignore: decorator
@inline export function load32(p: usize): i32 { return load<i32>(p); }
// @ts-ignore: decorator
@inline export function store32(p: usize, v: i32): void { store<i32>(p, v); }
// @ts-ignore: decorator
@inline export function load16(p: usize): i32 { return <i32>load<i16>(p); }
// @ts-ignore: decorator
@inline export function store16(p: usize, v: i32): void { store<i16>(p, <i16>v); }

/** The i-th i32 of an array at p. */
// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
/** Store v as the i-th i32 of an array at p. */
// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/** Zero n bytes at p (p and n multiples of 4). A plain loop: bulk memory is not MVP. */
export function zero(p: usize, n: usize): void {
  const end = p + n;
  while (p < end) {
    store<i32>(p, 0);
    p += 4;
  }
}

/** Copy n bytes (multiple of 4) from src to dst; the ranges must not overlap. */
export function copy(dst: usize, src: usize, n: usize): void {
  for (let i: usize = 0; i < n; i += 4) store<i32>(dst + i, load<i32>(src + i));
}
