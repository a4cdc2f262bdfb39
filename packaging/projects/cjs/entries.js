// CommonJS: every entry point requires, each runs what it is for, and require() and import() give
// one gradprop: an op defined through one is in the registry the other reads, a tensor made by one
// is a Tensor to the other.
const assert = require('node:assert/strict');
const gradprop = require('gradprop');
const { tensorOf } = require('gradprop/arbitraries');
const { gradientsMatchFiniteDifferences } = require('gradprop/laws');
const { checkPower } = require('gradprop/power');
const { GradientAssertionError, assertGradients } = require('gradprop/assert');
const { gradientMatchers } = require('gradprop/jest');
const cli = require('gradprop/cli');
const fc = require('fast-check');
const { tanhLayer, wrongTanhLayer } = require('./layers.js');

const { checkGradients, tanh, tensor } = gradprop;
const x = [tensor([0.3, -1.2, 2])];
assert.equal(checkGradients(tanhLayer, x).verdict, 'pass');
assert.equal(checkGradients(wrongTanhLayer, x).verdict, 'fail');
fc.assert(gradientsMatchFiniteDifferences(tanh, fc.tuple(tensorOf([3]))), { numRuns: 20 });
assert.ok(checkPower(tanhLayer, undefined, { numRuns: 20 }).perturbations.some((p) => p.caught));
assertGradients(tanhLayer, x);
assert.throws(() => assertGradients(wrongTanhLayer, x), (error) => error instanceof GradientAssertionError && error instanceof assert.AssertionError);
assert.equal(typeof gradientMatchers.toHaveCorrectGradients, 'function');
assert.equal(typeof cli.jsonText, 'function');
assert.throws(() => require('gradprop/vitest'), /Cannot find package 'vitest'/);

(async () => {
  const imported = await import('gradprop');
  for (const entry of ['arbitraries', 'laws', 'power', 'assert', 'jest', 'cli']) {
    assert.equal(await import(`gradprop/${entry}`), require(`gradprop/${entry}`), `gradprop/${entry}: import() and require() differ`);
  }
  const cube = imported.defineOp({
    name: 'cube',
    arity: 1,
    forward: ([v]) => imported.mul(imported.mul(v, v), v),
    vjp: ([v], _y, g) => [imported.mul(g, imported.mul(imported.scalar(3), imported.mul(v, v)))],
    jvp: ([v], _y, [t]) => imported.mul(t, imported.mul(imported.scalar(3), imported.mul(v, v))),
    domain: { sample: (draw) => ({ inputs: [draw.tensor(draw.shape())], attrs: undefined }) },
  });
  assert.ok(gradprop.registry.get('cube') === cube, 'an op defined through import() is in the registry require() reads');
  assert.ok(imported.tensor([1]) instanceof gradprop.Tensor && gradprop.tensor([1]) instanceof imported.Tensor);
  assert.equal(gradprop.grad((v) => gradprop.sum(cube(v)))(tensor([2])).data[0], 12);
  console.log('every entry point required and ran; require() and import() share one gradprop');
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
