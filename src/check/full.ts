import { Tensor, unravelIndex } from '../tensor/index.js';
import { judge } from './compare.js';
import { type Context, perUnit, pushForward } from './context.js';
import { alongDirection, numericOf } from './numeric.js';

/**
 * Every entry of the Jacobian: the analytic rows from vjp with basis cotangents (and columns from
 * jvp with basis tangents), the numeric columns from finite differences along each input entry.
 * Costs one vjp per output entry and a few forward evaluations per input entry.
 */
export function fullJacobian(ctx: Context): void {
  const { space, target, output, settings, ledger } = ctx;
  const rows = Array.from({ length: output.size }, (_, i) => {
    const basis = new Float64Array(output.size);
    basis[i] = 1;
    return space.join(target.vjp(space.inputs, new Tensor(basis, output.shape), space.differentiable));
  });
  for (let position = 0; position < space.size; position++) {
    const direction = space.basis(position);
    const scale = direction[position]!;
    const derivatives = alongDirection(target, space, direction, output.data, settings);
    const column = target.target.jvp ? pushForward(ctx, direction) : undefined;
    const where = space.locate(position);
    for (let i = 0; i < output.size; i++) {
      const numeric = numericOf(derivatives, i);
      const at = { ...where, output: unravelIndex(i, output.shape) };
      const analytic = rows[i]![position]! * scale;
      ledger.add(perUnit(judge(analytic, numeric, Math.abs(analytic), settings, { ...at, quantity: 'vjp' }), scale));
      if (column) {
        ledger.add(perUnit(judge(column[i]!, numeric, Math.abs(column[i]!), settings, { ...at, quantity: 'jvp' }), scale));
      }
    }
  }
}
