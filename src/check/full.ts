import { Tensor, unravelIndex } from '../tensor/index.js';
import { judge } from './compare.js';
import { type Context, judgedAlong, noteGradients, perUnit, pushForward, typicalScale } from './context.js';
import { jvpLinearity, opposite, vjpLinearity } from './linearity.js';
import { numericOf } from './numeric.js';
import type { Comparison } from './report.js';
import { randomVector } from './space.js';

/**
 * Every entry of the Jacobian: the analytic rows from vjp with basis cotangents (and columns from
 * jvp with basis tangents), the numeric columns along each input entry as the context's judging
 * reads them (finite differences; or, for noisy arithmetic, slopes read off samples of every
 * output entry at once and a significance test). Basis probes cannot tell a derivative that is not
 * linear in its probe, so the vjp (and jvp) is held to linearity at random probes too. Costs one
 * vjp per output entry (and three more) and, per input entry, a few forward evaluations (finite
 * differences) or a window of samples or a few (the significance test).
 */
export function fullJacobian(ctx: Context): void {
  const { space, target, output, ledger, rng } = ctx;
  const pull = (cotangent: Float64Array) => space.join(target.vjp(space.inputs, new Tensor(cotangent, output.shape), space.differentiable));
  const rows = Array.from({ length: output.size }, (_, i) => {
    const basis = new Float64Array(output.size);
    basis[i] = 1;
    return pull(basis);
  });
  const v1 = randomVector(rng, output.size);
  const v2 = opposite(rng, v1);
  vjpLinearity(ctx, [v1, pull(v1)], [v2, pull(v2)]);
  noteGradients(ctx, rows);
  for (let position = 0; position < space.size; position++) for (const c of ctx.judging.column(ctx, position, rows)) ledger.add(c);
  if (target.hasJvp) jvpLinearity(ctx, space.randomDirection(rng));
}

/** A column of the Jacobian by finite differences along the entry, every output entry from the same steps (see Judging.column). */
export function differencedColumn(ctx: Context, position: number, rows: readonly Float64Array[]): Comparison[] {
  const { space, target, output, settings, rng } = ctx;
  const direction = space.basis(position, rng);
  const scale = direction[position]!;
  const column = target.hasJvp ? pushForward(ctx, direction) : undefined;
  const where = space.locate(position);
  const floor = typicalScale(ctx, direction);
  const comparisons = judgedAlong(ctx, direction, (derivatives) =>
    Array.from({ length: output.size }, (_, i) => {
      const numeric = numericOf(derivatives, i);
      const at = { ...where, output: unravelIndex(i, output.shape) };
      const analytic = rows[i]![position]! * scale;
      const vjp = judge(analytic, numeric, Math.abs(analytic) + floor, settings, { ...at, quantity: 'vjp' });
      return column ? [vjp, judge(column[i]!, numeric, Math.abs(column[i]!) + floor, settings, { ...at, quantity: 'jvp' })] : [vjp];
    }).flat(),
  );
  return comparisons.map((c) => perUnit(c, scale));
}
