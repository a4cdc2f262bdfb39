require('gradprop/jest');
const { wrongTanhLayer } = require('./layers.js');

test('a wrong layer fails', () => {
  expect(wrongTanhLayer).toHaveCorrectGradients();
});
