// A page's script: checks a layer with gradprop's root entry and assertGradients.
import { allOps, checkGradients, tensor } from 'gradprop';
import { assertGradients } from 'gradprop/assert';
import { tanhLayer, wrongTanhLayer } from './layers.js';

const x = [tensor([0.3, -1.2, 2])];
let thrown;
try {
  assertGradients(wrongTanhLayer, x);
} catch (error) {
  thrown = { name: error.name, code: error.code, message: error.message.split('\n')[0] };
}
globalThis.result = { correct: checkGradients(tanhLayer, x).verdict, wrong: checkGradients(wrongTanhLayer, x).verdict, thrown, ops: allOps().length };
