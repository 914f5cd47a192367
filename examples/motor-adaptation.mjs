// (a) A johnny-five program that adds online adaptation to a PD motor loop, on the emulated Uno
// running StandardFirmata (on a real Uno: give five.Board a `port` instead of the emulated link).
//   node motor-adaptation.mjs [seconds]
import five from 'johnny-five';
import { OnlineLearner, emulatedLink, firmataMotorTask, MOTOR_WIRING } from 'deeptrace/johnny-five';

const seconds = Number(process.argv[2] ?? 12);
const task = firmataMotorTask(); // reference, PD gains, network features
const link = await emulatedLink(task, MOTOR_WIRING, 1, 20); // an Uno + a simulated motor on its pins
const board = new five.Board({ io: link.io, repl: false, debug: false, sigint: false });
link.open();

board.on('ready', () => {
  const learner = new OnlineLearner({ board, task, wiring: MOTOR_WIRING, samplingMs: 20, config: { lr: 2e-2 } });
  const steps = (seconds * 1000) / 20;
  let sum = 0, n = 0;
  learner.on('data', (d) => {
    if (d.t >= seconds / 2) { sum += d.error * d.error; n++; }
    if (d.step % 100 === 0) console.log(`t ${d.t.toFixed(1)} s  error ${d.error.toFixed(3)} rad  PD ${d.pd.toFixed(2)} V  network ${d.network.toFixed(2)} V`);
    if (d.step + 1 === steps) {
      learner.stop();
      console.log(`RMS error over the second half: ${Math.sqrt(sum / n).toFixed(4)} rad`);
      link.close().then(() => process.exit(0));
    }
  });
  learner.on('error', (e) => {
    console.error(e.message);
    process.exit(1);
  });
  learner.start();
});
