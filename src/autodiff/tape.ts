import { Tensor } from '../tensor/index.js';
import type { Primitive } from './primitive.js';
import { applyVjp } from './rules.js';
import type { Trace } from './trace.js';

interface Node {
  primitive: Primitive;
  inputs: readonly Tensor[];
  attrs: unknown;
}

/**
 * Reverse mode: records which op made each value, then walks the graph backwards. Values are keyed
 * by Tensor identity; a value not made from a leaf is a constant and is not recorded.
 */
export class Tape implements Trace {
  private readonly nodes = new Map<Tensor, Node>();

  constructor(private readonly leaves: ReadonlySet<Tensor>) {}

  record(primitive: Primitive, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void {
    if (inputs.some((input) => this.tracks(input))) this.nodes.set(output, { primitive, inputs, attrs });
  }

  /** The cotangent pulled back to every leaf it reaches (leaves it does not reach are absent). */
  backward(output: Tensor, cotangent: Tensor): Map<Tensor, Tensor> {
    const sums = new Sums();
    sums.add(output, cotangent);
    for (const value of this.outputsFirst(output)) {
      const g = sums.take(value);
      if (g === undefined) continue;
      const { primitive, inputs, attrs } = this.nodes.get(value)!;
      // Gradients of constants are never read: the rule may skip them (matmul's x in x·Wᵀ).
      const wanted = inputs.map((input) => this.tracks(input));
      const parts = applyVjp(primitive, inputs, value, g, attrs, wanted);
      inputs.forEach((input, i) => {
        const part = parts[i];
        if (part != null && wanted[i]) sums.add(input, part);
      });
    }
    return sums.of(this.leaves);
  }

  private tracks(value: Tensor): boolean {
    return this.leaves.has(value) || this.nodes.has(value);
  }

  /**
   * Recorded values reachable from `root`, each before all of its inputs, so that every
   * contribution to a value's gradient is summed before it is passed on. An explicit stack, not
   * recursion: an unrolled chain of 10,000 steps is 10,000 deep.
   */
  private outputsFirst(root: Tensor): Tensor[] {
    const order: Tensor[] = [];
    const seen = new Set<Tensor>();
    const stack: { value: Tensor; next: number }[] = [];
    const visit = (value: Tensor): void => {
      if (!this.nodes.has(value) || seen.has(value)) return;
      seen.add(value);
      stack.push({ value, next: 0 });
    };
    visit(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const inputs = this.nodes.get(top.value)!.inputs;
      if (top.next < inputs.length) visit(inputs[top.next++]!);
      else order.push(stack.pop()!.value);
    }
    return order.reverse();
  }
}

/**
 * Gradient sums. A value used k times receives k contributions (this is what makes BPTT sum over
 * time steps). Contributions are often shared tensors (add's rule passes its cotangent through),
 * so they are only ever added into buffers allocated here.
 */
class Sums {
  private readonly sums = new Map<Tensor, Tensor>();
  private readonly owned = new Set<Tensor>();

  add(value: Tensor, contribution: Tensor): void {
    const sum = this.sums.get(value);
    if (sum === undefined) {
      this.sums.set(value, contribution);
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
