// (c) Talking to a device over serial from code: HELLO, a net configured on the device, 5 s of the
// arm2 closed loop with the learner on the device (the plant simulated here), then its learned
// state saved as a snapshot file. The device is the firmware on a board or the virtual device:
// `npx deeptrace device --pty` prints the path to open.
//   node serial-device.mjs PORT [snapshot-file]
import { connectPort, deviceController, runTrackingAsync, encodeSnapshotFile } from 'deeptrace/client';
import { TASKS, SCENARIOS, networkConfig, rms } from 'deeptrace/loop';
import { writeFileSync } from 'node:fs';

const [path, out = 'learned.dtsnap'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node serial-device.mjs PORT [snapshot-file]   (PORT: e.g. what `npx deeptrace device --pty` prints)');
  process.exit(2);
}
const task = TASKS.arm2;
const client = await connectPort(path);
try {
  const hello = await client.hello();
  console.log(`device '${hello.name}', core ${hello.coreVersion >> 8}.${hello.coreVersion & 0xff}, self-test 0x${(hello.selfTestChecksum >>> 0).toString(16)}`);
  await client.configure(networkConfig(task, 'deep-fact', 1));
  await client.start();
  const phases = { warmup: 0, change: 5, end: 5 };
  const { trace, steps } = await runTrackingAsync(task, deviceController(client, task, 'on the device'), SCENARIOS.none, phases, 1);
  await client.stop();
  console.log(`${steps} control steps over serial, RMS tracking error ${rms(trace.error, trace.dt, 0, 5).toFixed(4)} rad`);
  const snap = await client.snapshotGet();
  writeFileSync(out, encodeSnapshotFile(snap));
  console.log(`learned state: ${snap.length} bytes written to ${out}`);
} finally {
  await client.close();
}
