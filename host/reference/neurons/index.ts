import type { NetConfig } from '../config.ts';
import type { NeuronModel } from './model.ts';
import { lif } from './lif.ts';
import { alif } from './alif.ts';
import { rate } from './rate.ts';

export type { NeuronModel } from './model.ts';

export function neuronModel(cfg: NetConfig): NeuronModel {
  switch (cfg.neuron) {
    case 'lif':
      return lif(cfg);
    case 'alif':
      return alif(cfg);
    case 'rate':
      return rate(cfg);
  }
}
