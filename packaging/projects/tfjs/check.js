// A TensorFlow.js user's program, plain Node ES modules, tfjs-core with its CPU backend and
// tfjs-layers (whose Node build registers tfjs-core's gradients, but not the chained ops): a
// gradient that needs a chained op fails, named, until tfjsReady adds them; then a function, a
// layer and a tfjs bug are checked.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkGradients, randn } from 'gradprop';
import { fromTfLayer, fromTfjs, tfjsReady } from 'gradprop/tfjs';

tf.enableProdMode();
const product = fromTfjs((x) => tf.prod(x, [0, 1]), { name: 'product' });
assert.match(checkGradients(product, [randn([2, 3], 0)]).message, /gradient for kernel 'Prod'.*permutedX\.reshape is not a function \(tfjs's chained ops, x\.reshape\(…\), are not registered/);
await tfjsReady();
assert.equal(checkGradients(product, [randn([2, 3], 0)]).verdict, 'pass');
assert.equal(checkGradients(fromTfjs((x, w) => tf.tanh(tf.matMul(x, w))), [randn([2, 3], 1), randn([3, 2], 2)]).verdict, 'pass');
const dense = fromTfLayer(tfl.layers.dense({ units: 2, inputShape: [3] }));
assert.equal(checkGradients(dense, [randn([2, 3], 3), ...dense.weights()]).verdict, 'pass');
assert.match(checkGradients(fromTfjs(tf.matMul), [randn([1, 2, 3], 4), randn([4, 3, 2], 5)]).message, /gradient for kernel 'BatchMatMul' threw/);
console.log('Prod’s gradient fails naming the missing chained ops until tfjsReady adds them; a function and a layer pass; matMul with broadcast batch axes fails naming BatchMatMul');
