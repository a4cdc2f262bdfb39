import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { checkGradients, formatReport } from '../src/check/index.js';
import { randn } from '../src/tensor/index.js';
import { fromTfjs, tfjsReady } from '../src/tfjs/index.js';
tf.enableProdMode(); await tf.setBackend('cpu'); await tfjsReady();
const t = fromTfjs((x: tf.Tensor, w: tf.Tensor) => tf.softmax(tf.matMul(x, w)));
let n = 0;
for (let s = 0; s < 1000; s += 5) {
  const r = checkGradients(t, [randn([2, 3], s), randn([3, 4], s + 1)]);
  if (r.verdict !== 'pass') { n++; if (n <= 3) console.log(s, formatReport(r)); }
}
console.log('not pass', n);
