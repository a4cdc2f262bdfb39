/**
 * The Swish layer's twin whose dx drops β (swish-layer.ts), for `gradprop check`, which fails it
 * and names the wrong entries of x (input 0).
 *
 *   npx gradprop check examples/tfjs/swish-buggy.ts  # exit 1
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fromTfLayer, tfjsReady } from 'gradprop/tfjs';
import { SwishWithoutBetaInDx } from './swish-layer.js';

tf.enableProdMode();
await tfjsReady();

export const swishWithoutBetaInDx = fromTfLayer(new SwishWithoutBetaInDx({ name: 'swishWithoutBetaInDx' }), { inputShape: [3] });
