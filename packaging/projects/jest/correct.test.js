require('gradprop/jest');
const { tensor } = require('gradprop');
const { tanhLayer, wrongTanhLayer } = require('./layers.js');

test('a correct layer passes, at generated and at given inputs', () => {
  expect(tanhLayer).toHaveCorrectGradients();
  expect(tanhLayer).toHaveCorrectGradients([tensor([0.3, -1.2])]);
});

test('a wrong layer is caught by .not', () => {
  expect(wrongTanhLayer).not.toHaveCorrectGradients();
});

test('jest loads the CommonJS build (it cannot require an ES module on this Node)', () => {
  expect(require.resolve('gradprop')).toMatch(/dist[\\/]cjs[\\/]index\.js$/);
});
