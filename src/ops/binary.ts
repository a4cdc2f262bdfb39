import { Tensor } from '../tensor/index.js';
import { broadcastOffsets, broadcastShapes, unbroadcast } from './broadcast.js';
import { type Op, defineOp } from './define.js';
import type { Domain } from './domain.js';
import { floats } from './floats.js';

/**
 * Elementwise functions of two broadcast tensors: each is its value and its two partial derivatives
 * (which may use the output z); one set of loops turns that into forward, vjp and jvp.
 */
interface BinaryRule {
  name: string;
  value(x: number, y: number): number;
  dx: Partial;
  dy: Partial;
  domain: Domain<undefined>;
}

/** A partial derivative; ONE marks the identity, whose pullback passes the cotangent on uncopied. */
type Partial = ((x: number, y: number, z: number) => number) | typeof ONE;
const ONE = 1;

const BOTH = [true, true] as const;

function defineBinary(rule: BinaryRule): Op<2, undefined, [Tensor, Tensor]> {
  return defineOp({
    name: rule.name,
    arity: 2,
    forward: ([a, b]) => {
      const shape = broadcastShapes(rule.name, a.shape, b.shape);
      const ia = broadcastOffsets(a.shape, shape);
      const ib = broadcastOffsets(b.shape, shape);
      const out = floats(ia.length);
      for (let i = 0; i < out.length; i++) out[i] = rule.value(a.data[ia[i]!]!, b.data[ib[i]!]!);
      return new Tensor(out, shape);
    },
    vjp: ([a, b], z, g, _attrs, wanted = BOTH) => [
      wanted[0] ? unbroadcast(timesPartial(rule.dx, a, b, z, g), a.shape) : null,
      wanted[1] ? unbroadcast(timesPartial(rule.dy, a, b, z, g), b.shape) : null,
    ],
    jvp: ([a, b], z, [ta, tb]) => {
      const ia = broadcastOffsets(a.shape, z.shape);
      const ib = broadcastOffsets(b.shape, z.shape);
      const out = floats(z.size);
      for (let i = 0; i < z.size; i++) {
        const x = a.data[ia[i]!]!;
        const y = b.data[ib[i]!]!;
        out[i] = ta.data[ia[i]!]! * at(rule.dx, x, y, z.data[i]!) + tb.data[ib[i]!]! * at(rule.dy, x, y, z.data[i]!);
      }
      return new Tensor(out, z.shape);
    },
    domain: rule.domain,
  });
}

function at(partial: Partial, x: number, y: number, z: number): number {
  return partial === ONE ? 1 : partial(x, y, z);
}

/** g times a partial derivative, at the output's shape (before any broadcast is summed away). */
function timesPartial(partial: Partial, a: Tensor, b: Tensor, z: Tensor, g: Tensor): Tensor {
  if (partial === ONE) return g;
  const ia = broadcastOffsets(a.shape, z.shape);
  const ib = broadcastOffsets(b.shape, z.shape);
  const out = floats(z.size);
  for (let i = 0; i < z.size; i++) out[i] = g.data[i]! * partial(a.data[ia[i]!]!, b.data[ib[i]!]!, z.data[i]!);
  return new Tensor(out, z.shape);
}

/** Two tensors whose shapes broadcast together; the second one's values as `denominator` says. */
function broadcastPair(denominator: { min?: number; max?: number } = {}): Domain<undefined> {
  return {
    sample: (draw) => {
      const [sa, sb] = draw.broadcastShapes(2);
      return { inputs: [draw.tensor(sa!), draw.tensor(sb!, denominator)], attrs: undefined };
    },
  };
}

/** a + b, elementwise with NumPy broadcasting (gradients summed back to each input's shape). */
export const add = defineBinary({ name: 'add', value: (x, y) => x + y, dx: ONE, dy: ONE, domain: broadcastPair() });

/** a − b, elementwise with NumPy broadcasting. */
export const sub = defineBinary({ name: 'sub', value: (x, y) => x - y, dx: ONE, dy: () => -1, domain: broadcastPair() });

/** a · b, elementwise with NumPy broadcasting. */
export const mul = defineBinary({ name: 'mul', value: (x, y) => x * y, dx: (_x, y) => y, dy: (x) => x, domain: broadcastPair() });

/** a / b, elementwise with NumPy broadcasting. */
export const div = defineBinary({
  name: 'div',
  value: (x, y) => x / y,
  dx: (_x, y) => 1 / y,
  dy: (_x, y, z) => -z / y,
  // Away from the pole at 0, where finite differences say nothing useful.
  domain: broadcastPair({ min: 0.5, max: 3 }),
});
