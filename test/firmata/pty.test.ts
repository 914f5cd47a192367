import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { EmulatedUno, connectToStream } from '../../host/firmata/emulated.ts';
import { firmataHex } from '../../host/firmata/firmware.ts';
import { runFirmata } from '../../host/firmata/rig.ts';
import { PlantBench } from '../../sims/avr/bench.ts';
import { Motor } from '../../sims/robot/motor.ts';
import { MOTOR_WIRING } from '../../sims/johnny-five/wiring.ts';
import { haveTool } from '../helpers.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a real-board path: runFirmata({ path }) over a real tty (socat pty pair) to the emulated Uno', async () => {
  if (!haveTool('socat', 'the Firmata rig is tested over a pty pair')) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'deeptrace-pty-'));
  const host = path.join(dir, 'host'), dev = path.join(dir, 'dev');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${dev}`, `pty,raw,echo=0,link=${host}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(host) && existsSync(dev)); i++) await wait(20);
    assert.ok(existsSync(host) && existsSync(dev), 'socat made the pty pair');
    const port = new SerialPort({ path: dev, baudRate: 57600 });
    await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
    const plant = new Motor();
    const uno = new EmulatedUno({ program: await firmataHex(), onPowerUp: (u) => { plant.reset(0); new PlantBench(u, plant, MOTOR_WIRING); } });
    let disconnect: (() => void) | null = null;
    try {
      const run = runFirmata({ path: host, seconds: 2, controllers: ['pd'] });
      await wait(300); // the host has opened its end: power the board up now, as the DTR reset would
      disconnect = connectToStream(uno, port);
      const r = await run;
      assert.is(r.board, host);
      assert.is(r.firmware, 'StandardFirmata.ino 2.4');
      assert.is(r.traces[0].error.length, 100);
      assert.ok(Math.abs(plant.state[0]) > 0.1, 'the motor moved');
      const e = r.rows[0].rmsAfter;
      assert.ok(e > 0.02 && e < 0.4, `PD error ${e}`);
    } finally {
      disconnect?.();
      uno.dispose();
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  } finally {
    socat.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
