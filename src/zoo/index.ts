import { elman } from './elman.js';
import { gru } from './gru.js';
import { lstm } from './lstm.js';
import { mlp } from './mlp.js';
import { neuron } from './neuron.js';
import { nplm } from './nplm.js';

export type * from './model.js';
export { defineModel, defineRecurrent, inputColumns, type ModelBase, type ModelSpec, type RecurrentSpec } from './define.js';
export { type NeuronBatch, type NeuronConfig } from './neuron.js';
export { type Activation, type MlpBatch, type MlpConfig } from './mlp.js';
export { CONTEXT, type NplmBatch, type NplmConfig, embed, nplmForward, nplmHead, nplmManualGrad, scatterAdd } from './nplm.js';
export { type ElmanConfig, elmanBptt, elmanJacobianBound, elmanStates, squareLoss } from './elman.js';
export { stateGradients } from './state-gradients.js';
export { type LstmConfig } from './lstm.js';
export { type GruConfig } from './gru.js';

/** The lecture's models, and the two gated RNNs: all of one shape (see Model in model.ts). */
export const zoo = { neuron, mlp, nplm, elman, lstm, gru };

/** The recurrent ones: a step folded over time, for the BPTT laws. */
export const recurrent = { elman, lstm, gru };
