import { type Tensor, formatShape, isTensor, randn } from '../tensor/index.js';
import { type Context, newContext } from './context.js';
import type { Differentiable } from './differentiable.js';
import { type Disagreement, fastProbes } from './fast.js';
import { fullJacobian } from './full.js';
import { Ledger, mostSevere } from './ledger.js';
import { localise } from './localise.js';
import { type CheckOptions, type Settings, resolveOptions } from './options.js';
import type { Comparison, GradCheckReport, Problem, Verdict } from './report.js';
import { ContractError, GuardedTarget, describe } from './target.js';
import { describeComparison } from './format.js';

/**
 * Check a target's analytic derivatives (vjp, and jvp when it has one) against finite differences
 * at the given inputs. Never throws: a target that throws, returns the wrong thing or breaks the
 * contract gets verdict 'error' or 'fail' with a message saying what and where.
 */
export function checkGradients(target: Differentiable, inputs: readonly Tensor[], options: CheckOptions = {}): GradCheckReport {
  const guarded = new GuardedTarget(target);
  const ledger = new Ledger();
  let settings: Settings | undefined;
  const report = (verdict: Verdict, message: string, problem?: Problem, worst = ledger.worst): GradCheckReport => ({
    target: guarded.name,
    verdict,
    ok: verdict === 'pass' || verdict === 'nonsmooth',
    mode: options.mode ?? 'auto',
    ...(settings ? { precision: settings.precision } : {}),
    ...(worst ? { worst } : {}),
    mismatches: ledger.mismatches,
    ...(problem ? { problem } : {}),
    evaluations: { ...guarded.evaluations },
    seed: options.seed ?? 0,
    message,
  });
  try {
    const nondifferentiable = target.nondifferentiable ?? [];
    const output = evaluateAtInput(guarded, inputs, nondifferentiable);
    settings = resolveOptions(options, output.data, () => gradientValues(guarded, inputs, nondifferentiable, output, options.seed ?? 0));
    const complete = compare(newContext(guarded, inputs, nondifferentiable, output, settings, ledger));
    const { verdict, message, worst } = conclude(guarded.name, ledger, complete);
    return report(verdict, message, verdict === 'fail' ? 'mismatch' : undefined, worst);
  } catch (error) {
    if (error instanceof ContractError) return report(ERRORS.has(error.problem) ? 'error' : 'fail', error.message, error.problem);
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return report('error', `${guarded.name}: the checker itself failed (${detail}) — please report this as a gradprop bug`, 'throws');
  }
}

/** Problems that stop the check before it can judge any derivative; the rest are the target's bugs. */
const ERRORS = new Set<Problem>(['throws', 'not-a-tensor', 'bad-input', 'non-finite-output']);

/** Validate the inputs, and run forward twice: a tensor, finite, deterministic, inputs untouched. */
function evaluateAtInput(target: GuardedTarget, inputs: readonly Tensor[], nondifferentiable: readonly number[]): Tensor {
  if (!Array.isArray(inputs) || !inputs.every(isTensor)) {
    const bad = Array.isArray(inputs) ? inputs.findIndex((x) => !isTensor(x)) : -1;
    const got = bad >= 0 ? `input ${bad} is ${describe(inputs[bad])}` : `got ${describe(inputs)}`;
    const hint = bad >= 0 && (Array.isArray(inputs[bad]) || typeof inputs[bad] === 'number') ? ' (make it one with tensor(...))' : '';
    throw new ContractError('bad-input', `${target.name}: inputs must be an array of Tensors; ${got}${hint}`);
  }
  inputs.forEach((x, k) => {
    const i = x.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new ContractError('bad-input', `${target.name}: input ${k} ${formatShape(x.shape)} is not finite at flat index ${i} (${x.data[i]})`);
  });
  if (inputs.every((x, k) => nondifferentiable.includes(k) || x.size === 0)) {
    throw new ContractError('bad-input', `${target.name}: nothing to differentiate — no differentiable input has any entries`);
  }
  const output = target.forward(inputs);
  if (output.size === 0) throw new ContractError('bad-input', `${target.name}: nothing to compare — the output ${formatShape(output.shape)} has no entries`);
  const nonFinite = output.data.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) {
    throw new ContractError('non-finite-output', `${target.name}: forward is not finite at the input: ${output.data[nonFinite]} at flat index ${nonFinite} of the output`);
  }
  const again = target.forward(inputs);
  const differs = again.data.findIndex((v, i) => !Object.is(v, output.data[i]));
  if (again.size !== output.size || differs >= 0) {
    const what = again.size !== output.size ? `shapes ${formatShape(output.shape)} then ${formatShape(again.shape)}` : `${output.data[differs]} then ${again.data[differs]} at flat index ${differs}`;
    throw new ContractError('nondeterminism', `${target.name}: forward is not deterministic — the same input gave ${what}`);
  }
  return output;
}

/** Every entry of the gradients a vjp gives for a random cotangent: more values to read the arithmetic off. */
function gradientValues(target: GuardedTarget, inputs: readonly Tensor[], nondifferentiable: readonly number[], output: Tensor, seed: number): number[] {
  const differentiable = inputs.map((_, k) => k).filter((k) => !nondifferentiable.includes(k));
  const grads = target.vjp(inputs, randn(output.shape, seed), differentiable);
  return differentiable.flatMap((k) => Array.from(grads[k]!.data));
}

/** Run the mode's comparisons; false when localisation stopped before the end. */
function compare(ctx: Context): boolean {
  if (ctx.settings.mode === 'full') {
    fullJacobian(ctx);
    return true;
  }
  const disagreements = fastProbes(ctx);
  // auto names every wrong entry (up to a limit); fast stops at the first, which confirms the
  // probe: a projection's disagreement that no entry reproduces is not taken for a bug
  const limit = ctx.settings.mode === 'auto' ? ctx.settings.maxMismatches : 1;
  let complete = true;
  for (const quantity of ['vjp', 'jvp'] as const) {
    const d = disagreements.find((x) => x.comparison.quantity === quantity);
    if (!d) continue;
    const localised = localise(ctx, d.direction, d.cotangent, d.analytic, quantity, limit);
    complete &&= localised.complete;
    if (localised.found === 0 && localised.exhaustive) unconfirmed(disagreements, quantity);
  }
  ctx.ledger.revise();
  return complete;
}

/**
 * Probes whose disagreement no entry reproduces on its own (every entry was looked at). One that crossed a kink (its
 * one-sided derivatives differ) crossed it inside the target — a relu whose pre-activation several
 * entries move at once: 'nonsmooth'. The others disagree by rounding or curvature the error
 * estimate missed (a Huber loss's change of curvature a step away): kept, marked unconfirmed.
 */
function unconfirmed(disagreements: readonly Disagreement[], quantity: Comparison['quantity']): void {
  for (const { comparison } of disagreements) {
    if (comparison.quantity !== quantity) continue;
    if (comparison.oneSided) comparison.verdict = 'nonsmooth';
    else {
      comparison.verdict = 'agree';
      comparison.unconfirmed = true;
    }
  }
}

/** The verdict: localised entries speak for their quantity; unlocalised probes for theirs. */
function conclude(name: string, ledger: Ledger, complete: boolean): { verdict: Verdict; message: string; worst: Comparison } {
  const localised = ledger.mismatches.filter((c) => c.input !== null);
  const covered = new Set(localised.map((c) => c.quantity));
  const considered = [...localised, ...ledger.mismatches.filter((c) => c.input === null && !covered.has(c.quantity))];
  ledger.mismatches.sort((a, b) => Number(a.input === null) - Number(b.input === null));
  const failures = considered.filter((c) => c.verdict === 'fail');
  if (failures.length > 0) {
    // an entry named beats a projection: it is what a person can act on
    const worst = mostSevere(failures.filter((c) => c.input !== null)) ?? mostSevere(failures)!;
    const more = failures.length > 1 ? ` (${failures.length}${complete ? '' : '+'} comparisons disagree)` : '';
    return { verdict: 'fail', message: `${name}: ${describeComparison(worst)}${more}`, worst };
  }
  const kinks = considered.filter((c) => c.verdict === 'nonsmooth');
  if (kinks.length > 0) {
    const worst = mostSevere(kinks)!;
    return { verdict: 'nonsmooth', message: `${name}: not differentiable here, and the analytic value is a one-sided derivative — ${describeComparison(worst)}`, worst };
  }
  const worst = ledger.worst!;
  return {
    verdict: 'pass',
    message: `${name}: ${ledger.count} comparisons agree with finite differences (worst relative error ${worst.relError.toExponential(1)}, tolerance ${worst.tolerance.toExponential(1)})`,
    worst,
  };
}
