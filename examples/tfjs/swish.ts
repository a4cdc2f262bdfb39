/**
 * The Swish layer (swish-layer.ts) for `gradprop check`: fromTfLayer makes it a target with its own
 * domain (inputs and the slope β drawn uniform in [-3, 3], batches of 1 to 3).
 *
 *   npx gradprop check examples/tfjs/swish.ts        # exit 0
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fromTfLayer, tfjsReady } from 'gradprop/tfjs';
import { Swish } from './swish-layer.js';

tf.enableProdMode(); // no banner suggesting tfjs-node
await tfjsReady(); // tfjs-core alone registers no gradient

export const swish = fromTfLayer(new Swish({ name: 'swish' }), { inputShape: [3] });
