import { Tensor } from 'gradprop';

const domain = { sample: (draw) => ({ inputs: [draw.tensor(draw.shape({ maxRank: 2 }))], attrs: undefined }) };
const map = (x, f) => new Tensor(x.data.map(f), x.shape);

/** tanh with its backward written by hand: (1 − tanh²x)·g. */
export const tanhLayer = {
  name: 'tanhLayer',
  domain,
  forward: ([x]) => map(x, Math.tanh),
  vjp: ([x], g) => [map(x, (v, i) => (1 - Math.tanh(v) ** 2) * g.data[i])],
};

/** The same, with the square forgotten: (1 − tanh x)·g. */
export const wrongTanhLayer = { ...tanhLayer, name: 'wrongTanhLayer', vjp: ([x], g) => [map(x, (v, i) => (1 - Math.tanh(v)) * g.data[i])] };
