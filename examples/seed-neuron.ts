/**
 * The lecture's single tanh neuron, checked: its hand-derived gradients pass, and a twin with the
 * classic slip — tanh′ computed from the pre-activation, 1 − b² instead of 1 − h² — is caught and
 * localised. Run with `npm start`.
 */
import { checkGradients, formatReport } from '../src/index.js';
import { neuron, neuronInputs } from '../fixtures/neuron.js';

const inputs = neuronInputs(0.7, -1.3, [0.5, -1.1, 0.9, 1.7], [0.2, -0.4, 0.1, 0.6]);
const correct = checkGradients(neuron(), inputs);
console.log(formatReport(correct), '\n');

const slip = neuron({ name: 'neuron with tanh′ from the pre-activation', tanhPrime: (_h, b) => 1 - b * b });
const broken = checkGradients(slip, inputs);
console.log(formatReport(broken));
process.exitCode = correct.ok && !broken.ok ? 0 : 1;
