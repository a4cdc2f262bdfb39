// A TensorFlow.js user's program, plain Node ES modules, tfjs-core with its CPU backend and
// tfjs-layers: gradients registered by tfjsReady, a function, a layer and a tfjs bug checked.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkGradients, randn } from 'gradprop';
import { fromTfLayer, fromTfjs, tfjsReady } from 'gradprop/tfjs';

tf.enableProdMode();
// before tfjsReady, a check says what to do
assert.match(checkGradients(fromTfjs(tf.tanh), [randn([3], 0)]).message, /tfjs-core registers none by itself — await tfjsReady\(\)/);
await tfjsReady();
assert.equal(checkGradients(fromTfjs((x, w) => tf.tanh(tf.matMul(x, w))), [randn([2, 3], 1), randn([3, 2], 2)]).verdict, 'pass');
const dense = fromTfLayer(tfl.layers.dense({ units: 2, inputShape: [3] }));
assert.equal(checkGradients(dense, [randn([2, 3], 3), ...dense.weights()]).verdict, 'pass');
assert.match(checkGradients(fromTfjs(tf.matMul), [randn([1, 2, 3], 4), randn([4, 3, 2], 5)]).message, /gradient for kernel 'BatchMatMul' threw/);
console.log('tfjsReady registered the gradients; a function and a layer pass; matMul with broadcast batch axes fails naming BatchMatMul');
