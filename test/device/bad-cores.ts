// Cores that are wrong in ways only running them shows, made from the real core with binaryen
// (a devDependency): everything as built, one export replaced. Signed with the test key, they pass
// the signature check, so whatever stops them is the device's running-time guard.
import binaryen from 'binaryen';

function replaceExport(image: Uint8Array, exportName: string, body: (m: binaryen.Module) => binaryen.ExpressionRef): Uint8Array {
  const m = binaryen.readBinary(image);
  try {
    m.addFunction(`dt_test_${exportName}`, binaryen.none, binaryen.i32, [], body(m));
    m.removeExport(exportName);
    m.addFunctionExport(`dt_test_${exportName}`, exportName);
    if (!m.validate()) throw new Error(`binaryen: the patched module does not validate (${exportName})`);
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** The core whose self_test() is `loop $forever (br $forever)`: it never returns. */
export const loopingSelfTest = (image: Uint8Array) => replaceExport(image, 'self_test', (m) => m.loop('forever', m.br('forever')));

/** The core whose step() is `unreachable`: its self-test passes (same checksum), every step traps. */
export const trappingStep = (image: Uint8Array) => replaceExport(image, 'step', (m) => m.unreachable());
