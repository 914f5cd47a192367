// Fixed-point tanh for the rate units: Q12 in, Q12 out. Table of tanh on [0, 8] every 1/32 (Q15,
// assembly/tanh-table.ts), linear interpolation, odd symmetry, saturates to +-1 beyond 8.
// Error against Math.tanh: at most 2 LSB of Q12 (5e-4) over the whole range (test/core/tanh.test.ts
// measures it); interpolation alone contributes < 1e-4.
import { TANH_TABLE } from './tanh-table';

export function tanhQ12(u: i32): i32 {
  const neg = u < 0;
  let x = neg ? (u == -2147483648 ? 2147483647 : -u) : u;
  let y: i32;
  if (x >= 8 * 4096) {
    y = 4096;
  } else {
    const i = x >> 7; // 128 Q12 steps per table step of 1/32
    const f = x & 127;
    const y0 = <i32>load<i16>(TANH_TABLE + (<usize>i << 1));
    const y1 = <i32>load<i16>(TANH_TABLE + (<usize>(i + 1) << 1));
    const yq15 = y0 + (((y1 - y0) * f + 64) >> 7);
    y = (yq15 + 4) >> 3;
  }
  return neg ? -y : y;
}
