import { Tensor } from '../tensor/index.js';
import { sumOf } from './engine-primitives.js';
import type { Primitive } from './primitive.js';
import { applyVjp } from './rules.js';
import { type Trace, listening } from './trace.js';

interface Node {
  primitive: Primitive;
  inputs: readonly Tensor[];
  attrs: unknown;
  output: Tensor;
  /** Which inputs were leaves or recorded values when the call was made: whose gradients are read. */
  wanted: boolean[];
}

/**
 * Reverse mode: records each op call that reads a leaf or a recorded value, in the order the calls
 * happen, then walks that record backwards. The order of the calls is already a topological order
 * (every input existed before the op that read it), so walking it backwards passes a value's
 * gradient on only after every use of the value has added its contribution. No recursion and no
 * graph search: an unrolled chain of 10,000 steps is a loop of 10,000 iterations.
 *
 * The walk back calls the rules, and sums contributions, with the traces outside this one
 * listening: when grad runs inside grad (or jvp), the outer trace records the backward pass as
 * ordinary op calls and differentiates it in turn — PyTorch's create_graph, always on when nested.
 */
export class Tape implements Trace {
  private readonly nodes: Node[] = [];
  /** Each recorded value's node (by position in `nodes`); values are keyed by Tensor identity. */
  private readonly madeBy = new Map<Tensor, number>();

  constructor(private readonly leaves: ReadonlySet<Tensor>) {}

  record(primitive: Primitive, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void {
    const wanted = inputs.map((input) => this.leaves.has(input) || this.madeBy.has(input));
    if (!wanted.includes(true)) return; // a constant: nothing to differentiate
    this.madeBy.set(output, this.nodes.length);
    this.nodes.push({ primitive, inputs, attrs, output, wanted });
  }

  tracks(value: Tensor): boolean {
    return this.leaves.has(value) || this.madeBy.has(value);
  }

  /**
   * The cotangents, one per output, pulled back together to every leaf they reach (leaves they do
   * not reach are absent).
   */
  backward(seeds: readonly (readonly [output: Tensor, cotangent: Tensor])[]): Map<Tensor, Tensor> {
    const sums = new Sums();
    let last = -1;
    for (const [output, cotangent] of seeds) {
      sums.add(output, cotangent);
      last = Math.max(last, this.madeBy.get(output) ?? -1);
    }
    for (let i = last; i >= 0; i--) {
      const { primitive, inputs, attrs, output: value, wanted } = this.nodes[i]!;
      const g = sums.take(value);
      if (g === undefined) continue; // the value does not reach the output
      // Gradients of constants are never read: the rule may skip them (matmul's x in x·Wᵀ).
      const parts = applyVjp(primitive, inputs, value, g, attrs, wanted);
      inputs.forEach((input, k) => {
        const part = parts[k];
        if (part != null && wanted[k]) sums.add(input, part);
      });
    }
    return sums.of(this.leaves);
  }
}

/**
 * Gradient sums. A value used k times receives k contributions (this is what makes BPTT sum over
 * time steps). Contributions are often shared tensors (add's rule passes its cotangent through),
 * so they are only ever added into buffers allocated here. When a trace listens, each sum is a
 * recorded op instead, so that it is differentiated too.
 */
class Sums {
  private readonly sums = new Map<Tensor, Tensor>();
  private readonly owned = new Set<Tensor>();

  add(value: Tensor, contribution: Tensor): void {
    const sum = this.sums.get(value);
    if (sum === undefined) {
      this.sums.set(value, contribution);
    } else if (listening()) {
      this.sums.set(value, sumOf(sum, contribution));
    } else if (this.owned.has(sum)) {
      addInto(sum.data, contribution.data);
    } else {
      const fresh = new Tensor(Float64Array.from(sum.data), sum.shape);
      addInto(fresh.data, contribution.data);
      this.owned.add(fresh);
      this.sums.set(value, fresh);
    }
  }

  /** Removes and returns a finished sum; from here on it may be shared, so it is no longer ours to write. */
  take(value: Tensor): Tensor | undefined {
    const sum = this.sums.get(value);
    this.sums.delete(value);
    if (sum !== undefined) this.owned.delete(sum);
    return sum;
  }

  of(values: ReadonlySet<Tensor>): Map<Tensor, Tensor> {
    const result = new Map<Tensor, Tensor>();
    for (const value of values) {
      const sum = this.sums.get(value);
      if (sum !== undefined) result.set(value, sum);
    }
    return result;
  }
}

function addInto(target: Float64Array, source: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i]! += source[i]!;
}
