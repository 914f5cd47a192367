// Board constants that follow from the core: the WASM3 build of the mps2 board backs exactly the
// linear memory the mcu-ref net needs (firmware/include/dt_config_boards.h), so a core whose
// memory_used() grew would be refused at CONFIGURE there. Built outside this repository (README.md
// "WASM3 for real"), so nothing else here would notice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers.ts';
import { Core } from '../../host/core/core.ts';
import { MCU_REF } from '../../host/core/config.ts';

/** DT_CORE_MEMORY_BYTES of the WASM3 branch of the mps2 board. */
function mps2Wasm3MemoryBytes(): number {
  const h = readFileSync(path.join(repoRoot, 'firmware/include/dt_config_boards.h'), 'utf8');
  const board = h.slice(h.indexOf('#elif defined(DT_BOARD_MPS2)'));
  const wasm3 = board.slice(board.indexOf('DT_BACKEND == DT_BACKEND_WASM3'), board.indexOf('#  else'));
  const m = /define DT_CORE_MEMORY_BYTES (\d+)/.exec(wasm3);
  if (!m) throw new Error('no DT_CORE_MEMORY_BYTES in the WASM3 branch of the mps2 board');
  return Number(m[1]);
}

test('mps2 with WASM3: DT_CORE_MEMORY_BYTES is memory_used() of mcu-ref (no more, no less)', () => {
  const used = new Core().configure(MCU_REF).memoryUsed();
  assert.is(mps2Wasm3MemoryBytes(), (used + 15) & ~15);
  const core = new Core();
  assert.is(core.memoryLimit(mps2Wasm3MemoryBytes()), mps2Wasm3MemoryBytes());
  core.configure(MCU_REF);
});

test.run();
