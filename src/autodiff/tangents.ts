import { type Tensor, zeros } from '../tensor/index.js';
import type { Primitive } from './primitive.js';
import { applyJvp } from './rules.js';
import type { Trace } from './trace.js';

/**
 * Forward mode: each op call pushes its inputs' tangents through the op's jvp rule as it runs. The
 * rule runs with the traces outside this one listening, so jvp differentiates (and is differentiated
 * by) grad, vjp and jvp around it.
 */
export class TangentTrace implements Trace {
  constructor(private readonly tangents: Map<Tensor, Tensor>) {}

  record(primitive: Primitive, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void {
    if (!inputs.some((input) => this.tangents.has(input))) return;
    const tangentsIn = inputs.map((input) => this.tangents.get(input) ?? zeros(input.shape));
    this.tangents.set(output, applyJvp(primitive, inputs, output, tangentsIn, attrs));
  }

  tracks(value: Tensor): boolean {
    return this.tangents.has(value);
  }

  of(value: Tensor): Tensor {
    return this.tangents.get(value) ?? zeros(value.shape);
  }
}
