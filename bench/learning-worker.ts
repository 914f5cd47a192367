// A child process of the learning table (bench/learning.ts): receives { seed, method }, sends back
// the LearningRun, until the parent disconnects.
import { learningRun, type LearningMethod } from './learning.ts';

process.on('message', (job: { seed: number; method: LearningMethod }) => {
  process.send!(learningRun(job.seed, job.method));
});
