// Tracking tasks: a plant, the smooth periodic reference it must follow, the fixed PD loop, the
// network's input features and output scale, and the classical adaptive controller a control
// engineer would pick for that plant.
import { Arm2, arm2Defaults } from '../robot/arm2.ts';
import { Motor, motorDefaults } from '../robot/motor.ts';
import { SlotineLi } from '../control/slotine-li.ts';
import { RlsMotorSpeedController } from '../control/rls.ts';
import { SumOfSines, randomSmoothReference, type ReferenceSample } from '../reference.ts';
import type { PDOptions } from '../control/pd.ts';
import type { Plant } from '../plant.ts';

/** A feedback controller: command for the current observation and reference sample. */
export interface Controller {
  readonly name: string;
  command(obs: Float64Array, ref: ReferenceSample, t: number): Float64Array;
  /** Feedback-error learners only: what the last command was made of (the runner records it). */
  readonly learner?: LearnerSignals;
}

/**
 * The signals of a feedback-error learner's last command u = u_pd + u_net: the network's part, the
 * PD part (the learning signal: err = -u_pd / outputScale) and whether it learned on that step.
 */
export interface LearnerSignals {
  /** Network command u_net (actuator units), per joint. */
  readonly uNet: Float64Array;
  /** PD command u_pd (actuator units), per joint. */
  readonly uPd: Float64Array;
  readonly learning: boolean;
}

/** A plant, its reference, the PD loop, the network's features and output scale, and the classical adaptive controller for it. */
export interface TrackingTask {
  plant: string;
  /** A fresh plant, started on the reference. */
  makePlant(seed: number): Plant;
  reference: SumOfSines;
  /** Tracked joints (position index i, velocity index i + joints in the observation). */
  joints: number;
  pd: PDOptions;
  /** Network input for a reference sample (values of order 1). */
  features(ref: ReferenceSample): number[];
  /** Actuator units per unit of network output. */
  outputScale: number;
  /** The classical adaptive controller (PD loop included). */
  makeAdaptive(): Controller;
  defaultSeconds: number;
  /** Period of the reference (s): the window of the recovery measure. */
  period: number;
}

export const ARM2_REFERENCE = new SumOfSines([
  { offset: -1.2, components: [{ amplitude: 0.5, frequency: 0.25 }, { amplitude: 0.2, frequency: 0.75, phase: 1 }] },
  { offset: 0.8, components: [{ amplitude: 0.4, frequency: 0.5, phase: 0.5 }, { amplitude: 0.2, frequency: 1.25 }] },
]);

function startOn(plant: Plant, ref: SumOfSines, joints: number, extra = 0): Plant {
  const r = ref.at(0);
  const s = new Float64Array(2 * joints + extra);
  for (let i = 0; i < joints; i++) {
    s[i] = r.pos[i];
    s[joints + i] = r.vel[i];
  }
  plant.state = s;
  return plant;
}

/**
 * arm2 (sims/robot/arm2.ts) at 100 Hz. PD gains are those of the sliding-mode loop of Slotine-Li
 * (Lambda = 8, K_D = [10, 4]: kp = Lambda K_D, kd = K_D), so the comparison is like for like.
 * Features: sin and cos of both absolute link angles, desired speeds and accelerations (scaled).
 */
function makeArm2Task(reference: SumOfSines): TrackingTask {
  return {
    plant: 'arm2',
    makePlant: (seed) => startOn(new Arm2({ seed }), reference, 2),
    reference,
    joints: 2,
    pd: { kp: [80, 32], kd: [10, 4] },
    features: (r) => [
      Math.sin(r.pos[0]), Math.cos(r.pos[0]), Math.sin(r.pos[0] + r.pos[1]), Math.cos(r.pos[0] + r.pos[1]),
      r.vel[0] / 3, r.vel[1] / 3, r.acc[0] / 10, r.acc[1] / 10,
    ],
    outputScale: 10,
    makeAdaptive: () => {
      const p = arm2Defaults;
      const sl = new SlotineLi({ lambda: 8, kd: [10, 4], gamma: [1, 0.3, 0.3, 20, 0.02, 0.02], kinematics: { l1: p.l1, g: p.g }, dt: p.dt, tauMax: p.tauMax });
      return { name: 'Slotine-Li adaptive', command: (obs, ref) => sl.update([obs[0], obs[1]], [obs[2], obs[3]], ref) };
    },
    defaultSeconds: 120,
    period: 4,
  };
}

/** arm2 on its periodic reference (the demo's task). */
export const arm2Task: TrackingTask = makeArm2Task(ARM2_REFERENCE);

export const MOTOR_REFERENCE = new SumOfSines([{ components: [{ amplitude: 1.5, frequency: 0.5 }, { amplitude: 0.5, frequency: 1.5, phase: 1 }] }]);

/**
 * motor (sims/robot/motor.ts) at 1 kHz, output-shaft angle tracking. The adaptive baseline is a
 * cascade: an outer proportional angle loop gives a speed demand that an RLS-identified model
 * (forgetting factor 0.995) inverts to a voltage.
 */
function makeMotorTask(reference: SumOfSines): TrackingTask {
  return {
    plant: 'motor',
    makePlant: (seed) => startOn(new Motor({ seed }), reference, 1, 1),
    reference,
    joints: 1,
    pd: { kp: 10, kd: 0.2, uMax: motorDefaults.vMax },
    features: (r) => [r.pos[0] / 2, r.vel[0] / 5, r.acc[0] / 20, Math.tanh(r.vel[0] / 0.5)],
    outputScale: 4,
    makeAdaptive: () => {
      const dt = motorDefaults.dt;
      const kPos = 20;
      const rls = new RlsMotorSpeedController({ omegaS: motorDefaults.omegaS, vMax: motorDefaults.vMax, lambda: 0.995 });
      return {
        name: 'RLS adaptive',
        command: (obs, ref, t) => {
          const now = ref.vel[0] + kPos * (ref.pos[0] - obs[0]);
          const next = reference.at(t + dt).vel[0] + kPos * (ref.pos[0] - obs[0]);
          return Float64Array.of(rls.update(obs[1], now, next));
        },
      };
    },
    defaultSeconds: 30,
    period: 2,
  };
}

/** The motor on its periodic reference. */
export const motorTask: TrackingTask = makeMotorTask(MOTOR_REFERENCE);

/** The tracking tasks by plant name (arm2, motor). */
export const TASKS: Record<string, TrackingTask> = { arm2: arm2Task, motor: motorTask };
export const TASK_PLANTS = Object.keys(TASKS);

/** Which reference a run tracks: the periodic one of the task, or a seeded random smooth one. */
export type ReferenceKind = 'periodic' | 'random';
/** The values of `--reference`. */
export const REFERENCE_KINDS: readonly ReferenceKind[] = ['periodic', 'random'];

/**
 * The task of `plant` on its periodic reference, or on a random smooth one (seed `seed`: sims/
 * reference.ts randomSmoothReference) centred where the periodic one is and with the same reach
 * (so within the same joint range) and the same highest frequency, which the learner has never seen.
 */
export function taskFor(plant: string, reference: ReferenceKind = 'periodic', seed = 1): TrackingTask {
  const base = TASKS[plant];
  if (!base) throw new Error(`unknown plant '${plant}'`);
  if (reference === 'periodic') return base;
  if (reference !== 'random') throw new Error(`unknown reference '${reference}' (periodic or random)`);
  if (plant === 'arm2') return makeArm2Task(randomSmoothReference(seed, [{ offset: -1.2, excursion: 0.7 }, { offset: 0.8, excursion: 0.6 }]));
  return makeMotorTask(randomSmoothReference(seed, [{ offset: 0, excursion: 2.0 }], [0.05, 1.5]));
}
