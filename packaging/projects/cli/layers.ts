// TypeScript in a project whose package.json has no "type": "module".
import { type Differentiable, type Domain, Tensor } from 'gradprop';

const domain: Domain = { sample: (draw) => ({ inputs: [draw.tensor(draw.shape({ maxRank: 2 }))], attrs: undefined }) };
const map = (x: Tensor, f: (v: number, i: number) => number) => new Tensor(x.data.map(f), x.shape);

export const tanhLayer: Differentiable & { domain: Domain } = {
  name: 'tanhLayer',
  domain,
  forward: ([x]) => map(x!, Math.tanh),
  vjp: ([x], g) => [map(x!, (v, i) => (1 - Math.tanh(v) ** 2) * g.data[i]!)],
};

export const wrongTanhLayer: Differentiable & { domain: Domain } = { ...tanhLayer, name: 'wrongTanhLayer', vjp: ([x], g) => [map(x!, (v, i) => (1 - Math.tanh(v)) * g.data[i]!)] };
