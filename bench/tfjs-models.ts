/**
 * The zoo's models written again in TensorFlow.js: the outside oracle of the differential test
 * (properties/tfjs-oracle.prop.ts) and the peer of the benchmark (bench/engine-vs-tfjs.ts).
 *
 * Each twin takes the gradprop model (for its config), its parameters and a batch, converts them
 * to float32 tensors, and returns a loss function of the parameters only: tfjs differentiates with
 * respect to the parameters and never with respect to labels (its softmax cross-entropy gradient
 * with respect to the labels is wrong in 4.22, so cross-entropy is written here from logSoftmax
 * and the integer targets, which tfjs treats as constants).
 */
import * as tf from '@tensorflow/tfjs-core';
import { addResolveHook } from '../src/tfjs/registration.js';
import type { Tensor } from '../src/tensor/index.js';
import type { ElmanConfig, MlpConfig, Model, NplmConfig, Params, SequenceBatch } from '../src/zoo/index.js';

/** The kernels the twins differentiate through: only their gradients are loaded. */
const GRADIENTS = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Neg', 'Square', 'Tanh', 'Sigmoid', 'Relu', 'Mean', 'Sum', 'BatchMatMul', 'LogSoftmax', 'GatherV2', 'Reshape', 'Slice'];

/**
 * tfjs with its pure-JS CPU backend (float32). tfjs-core's Node bundle registers no gradients (the
 * umbrella package @tensorflow/tfjs imports them from the ES module build), so the gradients of
 * the kernels above are loaded from that build and registered (only these: gradprop/tfjs's
 * tfjsReady loads all 101, which takes seconds); a twin that uses another kernel fails loudly
 * ("gradient function not found"). The ES build's relative imports have no extension, which Node
 * rejects: gradprop/tfjs's resolve hook adds it (under vitest, vite's resolver does). Kernels,
 * gradients and the engine live in tfjs's global registry, shared by both builds.
 */
export async function loadTfjsCpu(): Promise<typeof tf> {
  await addResolveHook();
  for (const kernel of GRADIENTS) {
    const configs: Record<string, unknown> = await import(/* @vite-ignore */ `@tensorflow/tfjs-core/dist/gradients/${kernel}_grad.js`);
    for (const config of Object.values(configs)) tf.registerGradient(config as tf.GradConfig);
  }
  // Production mode only silences tfjs's warnings (its PROD flag gates nothing else in 4.22), here
  // the CPU backend's banner suggesting tfjs-node.
  tf.enableProdMode();
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

function idsToTf(t: Tensor): tf.Tensor {
  return tf.tensor(Int32Array.from(t.data), [...t.shape], 'int32');
}

/** A twin ready to differentiate: the parameters in `paramNames` order and the loss of them. */
export interface TfTwin {
  names: readonly string[];
  params: tf.Tensor[];
  /** The scalar loss; every tensor it makes is the caller's to dispose (run it inside tf.tidy). */
  loss(...params: tf.Tensor[]): tf.Scalar;
  /** Everything the twin holds (parameters and the converted batch). */
  dispose(): void;
}

type Named = Record<string, tf.Tensor>;
type LossOf = (p: Named) => tf.Scalar;

/**
 * The tfjs twin of `model` at `params` and `batch`. Throws for a model it does not know, so a new
 * zoo model cannot silently go unchecked.
 */
export function tfTwin(model: Model<any, any>, params: Params, batch: any): TfTwin {
  const held: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    held.push(t);
    return t;
  };
  const names = model.paramNames;
  const tfParams = names.map((name) => keep(toTf(params[name]!)));
  const lossOf = build(model, batch, keep);
  return {
    names,
    params: tfParams,
    loss: (...values) => lossOf(Object.fromEntries(names.map((name, i) => [name, values[i]!]))),
    dispose: () => held.forEach((t) => t.dispose()),
  };
}

function build(model: Model<any, any>, batch: any, keep: <T extends tf.Tensor>(t: T) => T): LossOf {
  switch (model.name) {
    case 'neuron': {
      const x = keep(toTf(batch.x));
      const y = keep(toTf(batch.y));
      return ({ w1, w2 }) => tf.mean(tf.mul(0.5, tf.square(tf.sub(y, tf.tanh(tf.mul(w2!, tf.tanh(tf.mul(w1!, x))))))));
    }
    case 'mlp': {
      const { sizes, activation, loss } = model.config as MlpConfig;
      const x = keep(toTf(batch.x));
      const y = keep(loss === 'square' ? toTf(batch.y) : picksOf(batch.y, sizes[sizes.length - 1]!));
      const f = { tanh: tf.tanh, relu: tf.relu, sigmoid: tf.sigmoid }[activation];
      return (p) => {
        let h: tf.Tensor = x;
        for (let l = 1; l < sizes.length; l++) {
          const z = tf.add(tf.matMul(h, p[`W${l}`]!, false, true), p[`b${l}`]!);
          h = l < sizes.length - 1 ? f(z) : z;
        }
        if (loss === 'crossEntropy') return crossEntropy(h, y);
        return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(y, h)))), x.shape[0]!);
      };
    }
    case 'nplm': {
      const { dim, vocab } = model.config as NplmConfig;
      const context = keep(idsToTf(batch.context));
      const target = keep(picksOf(batch.target, vocab));
      const B = context.shape[0]!;
      return ({ E, W1, W2, b1, b2 }) => {
        const x = tf.reshape(tf.gather(E!, context), [B, 3 * dim]);
        const z = tf.matMul(x, W1!, false, true);
        const h = tf.tanh(b1 ? tf.add(z, b1) : z);
        const w2h = tf.matMul(h, W2!, false, true);
        return crossEntropy(b2 ? tf.add(w2h, b2) : w2h, target);
      };
    }
    case 'elman':
    case 'lstm':
    case 'gru': {
      const { input: D, hidden: H } = model.config as ElmanConfig;
      const { xs, y } = batch as SequenceBatch;
      const T = xs.shape[0]!;
      const tfXs = keep(toTf(xs));
      const yColumn = keep(tf.tensor(Float32Array.from(y.data), [y.size, 1], 'float32'));
      // c_1..c_T as columns [D, 1], taken inside the loss as the zoo does
      const columns = () => Array.from({ length: T }, (_, t) => tf.reshape(tf.slice(tfXs, [t, 0], [1, D]), [D, 1]));
      const squareLoss = (o: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(tf.sub(yColumn, o)))) as tf.Scalar;
      const step = recurrentStep(model.name, H);
      return (p) => {
        let state: tf.Tensor[] = model.name === 'lstm' ? [tf.zeros([H, 1]), tf.zeros([H, 1])] : [tf.zeros([H, 1])];
        for (const c of columns()) state = step(p, c, state);
        return squareLoss(tf.matMul(p.Wo!, state[0]!));
      };
    }
    default:
      throw new Error(`tfTwin: no TensorFlow.js twin for the zoo model '${model.name}'`);
  }
}

/**
 * Mean cross-entropy from logits [N, C] and targets [N]: −mean(logSoftmax(logits)[n, target_n]),
 * the right log-probabilities gathered at flat positions n·C + target_n (tf.oneHot refuses C = 1).
 */
function crossEntropy(logits: tf.Tensor, picks: tf.Tensor): tf.Scalar {
  const picked = tf.gather(tf.reshape(tf.logSoftmax(logits), [-1]), picks);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** The flat positions n·C + target_n of the right classes, for crossEntropy. */
function picksOf(targets: Tensor, classes: number): tf.Tensor {
  return tf.tensor(Int32Array.from(targets.data, (t, n) => n * classes + t), [targets.size], 'int32');
}

type Step = (p: Named, c: tf.Tensor, state: tf.Tensor[]) => tf.Tensor[];

function recurrentStep(name: string, H: number): Step {
  const gate = (stacked: tf.Tensor, k: number) => tf.slice(stacked, [k * H, 0], [H, 1]);
  const affine = (W: tf.Tensor, b: tf.Tensor, v: tf.Tensor) => tf.add(tf.matMul(W, v), tf.reshape(b, [b.size, 1]));
  if (name === 'elman') return ({ We, Wh }, c, [h]) => [tf.tanh(tf.add(tf.matMul(We!, c), tf.matMul(Wh!, h!)))];
  if (name === 'lstm') {
    return ({ W_ih, W_hh, b_ih, b_hh }, x, [h, c]) => {
      const pre = tf.add(affine(W_ih!, b_ih!, x), affine(W_hh!, b_hh!, h!));
      const i = tf.sigmoid(gate(pre, 0));
      const f = tf.sigmoid(gate(pre, 1));
      const g = tf.tanh(gate(pre, 2));
      const o = tf.sigmoid(gate(pre, 3));
      const cNext = tf.add(tf.mul(f, c!), tf.mul(i, g));
      return [tf.mul(o, tf.tanh(cNext)), cNext];
    };
  }
  return ({ W_ih, W_hh, b_ih, b_hh }, x, [h]) => {
    const fromInput = affine(W_ih!, b_ih!, x);
    const fromState = affine(W_hh!, b_hh!, h!);
    const r = tf.sigmoid(tf.add(gate(fromInput, 0), gate(fromState, 0)));
    const z = tf.sigmoid(tf.add(gate(fromInput, 1), gate(fromState, 1)));
    const n = tf.tanh(tf.add(gate(fromInput, 2), tf.mul(r, gate(fromState, 2))));
    return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h!))];
  };
}

/** The loss and the gradient with respect to every parameter, as float64 arrays by name. */
export function tfLossAndGrad(twin: TfTwin): { loss: number; grads: Record<string, Float64Array> } {
  const grads: Record<string, Float64Array> = {};
  let loss = NaN;
  tf.tidy(() => {
    const result = tf.valueAndGrads((...ps: tf.Tensor[]) => twin.loss(...ps))(twin.params);
    twin.names.forEach((name, i) => (grads[name] = Float64Array.from(result.grads[i]!.dataSync())));
    loss = result.value.dataSync()[0]!;
  });
  return { loss, grads };
}

/** One forward + backward for timing: the values are read (dataSync) so nothing is left lazy. */
export function tfStep(twin: TfTwin): number {
  let touch = 0;
  tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => twin.loss(...ps))(twin.params);
    touch = value.dataSync()[0]!;
    for (const g of grads) touch += g.dataSync()[0] ?? 0;
  });
  return touch;
}
