import { Tensor, formatShape, isTensor, randn } from '../tensor/index.js';
import { type Context, compareAlong, newContext } from './context.js';
import type { Differentiable } from './differentiable.js';
import { fastProbes } from './fast.js';
import { describeComparison } from './format.js';
import { fullJacobian } from './full.js';
import { Ledger, mostSevere } from './ledger.js';
import { type Disagreement, type Localised, UNCLEAN_LIMIT, localise } from './localise.js';
import { type CheckOptions, type Settings, cleanOptions, resolveOptions } from './options.js';
import type { Comparison, GradCheckReport, Problem, Verdict } from './report.js';
import { ContractError, GuardedTarget, describe, describeThrown, verdictOf } from './target.js';

/**
 * Check a target's analytic derivatives (vjp, and jvp when it has one) against finite differences
 * at the given inputs. Never throws, whatever it is given: a target that throws, returns the wrong
 * thing or breaks the contract, bad inputs and bad options get verdict 'error' or 'fail' with a
 * message saying what and where (see Verdict for which is which).
 */
export function checkGradients(target: Differentiable, inputs: readonly Tensor[], options?: CheckOptions): GradCheckReport {
  const guarded = new GuardedTarget(target);
  const ledger = new Ledger();
  let settings: Settings | undefined;
  const report = (verdict: Verdict, message: string, problem?: Problem, worst = ledger.worst): GradCheckReport => ({
    target: guarded.name,
    verdict,
    ok: verdict === 'pass' || verdict === 'nonsmooth',
    mode: settings?.mode ?? 'auto',
    ...(settings ? { precision: settings.precision } : {}),
    ...(worst ? { worst } : {}),
    mismatches: ledger.mismatches,
    ...(problem ? { problem } : {}),
    evaluations: { ...guarded.evaluations },
    seed: settings?.seed ?? 0,
    message,
  });
  try {
    const given = cleanOptions(guarded.name, options);
    const copies = inputList(guarded.name, inputs);
    guarded.declare(copies.length);
    const output = evaluateAtInput(guarded, copies);
    settings = resolveOptions(given, output.data, () => gradientValues(guarded, copies, output, settings?.seed ?? given.seed ?? 0));
    const search = compare(newContext(guarded, copies, guarded.nondifferentiable, output, settings, ledger));
    unchanged(guarded, copies, output);
    const { verdict, message, worst } = conclude(guarded.name, ledger, search);
    return report(verdict, message, verdict === 'fail' ? 'mismatch' : undefined, worst);
  } catch (error) {
    if (error instanceof ContractError) return report(verdictOf(error.problem), error.message, error.problem);
    return report('error', `${guarded.name}: the checker itself failed (${describeThrown(error)}) — please report this as a gradprop bug`, 'throws');
  }
}

/** The inputs, validated and copied (a target that mutates them cannot reach the caller's tensors). */
function inputList(name: string, inputs: unknown): Tensor[] {
  const bad = (got: string) => new ContractError('bad-input', `${name}: inputs must be an array of Tensors; ${got}`);
  let list: unknown[];
  try {
    if (!Array.isArray(inputs)) throw bad(`got ${describe(inputs)}`);
    list = [...(inputs as unknown[])];
  } catch (error) {
    throw error instanceof ContractError ? error : bad(`reading them threw ${describeThrown(error)}`);
  }
  return list.map((x, k) => {
    let copy: Tensor;
    try {
      if (!isTensor(x)) throw undefined;
      copy = new Tensor(Float64Array.from(x.data), x.shape);
    } catch {
      const hint = Array.isArray(x) || typeof x === 'number' ? ' (make it one with tensor(...))' : '';
      throw bad(`input ${k} is ${describe(x)}${hint}`);
    }
    const i = copy.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new ContractError('bad-input', `${name}: input ${k} ${formatShape(copy.shape)} is not finite at flat index ${i} (${copy.data[i]})`);
    return copy;
  });
}

/** Run forward twice: a tensor with entries, finite, deterministic, inputs untouched. */
function evaluateAtInput(target: GuardedTarget, inputs: readonly Tensor[]): Tensor {
  const fixed = target.nondifferentiable;
  if (inputs.every((x, k) => fixed.includes(k) || x.size === 0)) {
    const declared = fixed.filter((k) => inputs[k]!.size > 0);
    const why = declared.length > 0 ? `every input with entries is declared nondifferentiable (${declared.join(', ')})` : 'no differentiable input has any entries';
    throw new ContractError('bad-input', `${target.name}: nothing to differentiate — ${why}`);
  }
  const output = target.forward(inputs);
  if (output.size === 0) throw new ContractError('bad-input', `${target.name}: nothing to compare — the output ${formatShape(output.shape)} has no entries`);
  const nonFinite = output.data.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) {
    throw new ContractError('non-finite-output', `${target.name}: forward is not finite at the input: ${output.data[nonFinite]} at flat index ${nonFinite} of the output`);
  }
  unchanged(target, inputs, output);
  return output;
}

/**
 * Forward at the input again gives what it gave first, bit for bit: called right after the first
 * call, and once more at the end of the check, so that noise or state that sets in after a few
 * calls is found too, not taken for the function's shape.
 */
function unchanged(target: GuardedTarget, inputs: readonly Tensor[], first: Tensor): void {
  const calls = target.evaluations.forward;
  const again = target.forward(inputs);
  const differs = again.data.findIndex((v, i) => !Object.is(v, first.data[i]));
  if (again.size !== first.size || differs >= 0) {
    const what = again.size !== first.size ? `shapes ${formatShape(first.shape)} then ${formatShape(again.shape)}` : `${first.data[differs]} then ${again.data[differs]} at flat index ${differs}`;
    const when = calls > 1 ? ` (the first call, then call ${calls + 1})` : '';
    throw new ContractError('nondeterminism', `${target.name}: forward is not deterministic — the same input gave ${what}${when}`);
  }
}

/** Every entry of the gradients a vjp gives for a random cotangent: more values to read the arithmetic off. */
function gradientValues(target: GuardedTarget, inputs: readonly Tensor[], output: Tensor, seed: number): number[] {
  const differentiable = inputs.map((_, k) => k).filter((k) => !target.nondifferentiable.includes(k));
  const grads = target.vjp(inputs, randn(output.shape, seed), differentiable);
  return differentiable.flatMap((k) => Array.from(grads[k]!.data));
}

/** How far the comparisons went. */
interface Search {
  /** False when a limit stopped localisation before every disagreeing part was followed. */
  complete: boolean;
  /** Projections over what was left after UNCLEAN_LIMIT entries on kinks or jumps: they speak for it. */
  rests: Comparison[];
}

/** Run the mode's comparisons. */
function compare(ctx: Context): Search {
  if (ctx.settings.mode === 'full') {
    fullJacobian(ctx);
    return { complete: true, rests: [] };
  }
  const disagreements = fastProbes(ctx);
  // auto names every wrong entry (up to a limit); fast stops at the first, which confirms the
  // probe: a projection's disagreement that no entry reproduces is not taken for a bug
  const limit = ctx.settings.mode === 'auto' ? ctx.settings.maxMismatches : 1;
  const search: Search = { complete: true, rests: [] };
  for (const quantity of ['vjp', 'jvp'] as const) {
    const d = disagreements.find((x) => x.comparison.quantity === quantity);
    if (!d) continue;
    const localised: Localised = localise(ctx, d, limit);
    search.complete &&= localised.complete;
    if (localised.rest) search.rests.push(localised.rest);
    if (localised.failures === 0 && localised.covered) unconfirmed(ctx, disagreements, quantity);
  }
  ctx.ledger.revise();
  return search;
}

/**
 * Probes whose disagreement no entry reproduces on its own (every entry was judged). One that
 * crossed a kink or a jump crossed it inside the target — a relu whose pre-activation several
 * entries move at once — if a second run of steps confirms it (noise sets one-sided slopes apart
 * on one run, not the same way on another): 'nonsmooth'. The others disagree by rounding or
 * curvature the error estimate missed (a Huber loss's change of curvature a step away), or did not
 * settle where every entry did: kept, marked unconfirmed.
 */
function unconfirmed(ctx: Context, disagreements: readonly Disagreement[], quantity: Comparison['quantity']): void {
  for (const { comparison, direction, cotangent, analytic } of disagreements) {
    if (comparison.quantity !== quantity) continue;
    const confirmed = comparison.oneSided && compareAlong(ctx, direction, cotangent, analytic, { input: null, index: [], quantity }, true);
    if (confirmed && confirmed.verdict === 'nonsmooth') comparison.verdict = 'nonsmooth';
    else {
      comparison.verdict = 'agree';
      comparison.unconfirmed = true;
    }
  }
}

/**
 * The verdict: localised entries speak for their quantity; unlocalised probes for theirs, and
 * projections over entries left unjudged for those. A failure anywhere fails the check; then a
 * comparison that could not be resolved makes it inconclusive; then kinks and jumps, nonsmooth.
 */
function conclude(name: string, ledger: Ledger, { complete, rests }: Search): { verdict: Verdict; message: string; worst: Comparison } {
  const localised = ledger.mismatches.filter((c) => c.input !== null);
  const covered = new Set(localised.map((c) => c.quantity));
  const considered = [...localised, ...ledger.mismatches.filter((c) => c.input === null && (!covered.has(c.quantity) || rests.includes(c)))];
  ledger.mismatches.sort((a, b) => Number(a.input === null) - Number(b.input === null));
  const failures = considered.filter((c) => c.verdict === 'fail');
  if (failures.length > 0) {
    // an entry named beats a projection: it is what a person can act on
    const worst = mostSevere(failures.filter((c) => c.input !== null)) ?? mostSevere(failures)!;
    const more = failures.length > 1 ? ` (${failures.length}${complete ? '' : '+'} comparisons disagree)` : '';
    return { verdict: 'fail', message: `${name}: ${describeComparison(worst)}${more}`, worst };
  }
  const inconclusive = considered.filter((c) => c.verdict === 'inconclusive');
  if (inconclusive.length > 0) {
    const worst = mostSevere(inconclusive)!;
    return { verdict: 'inconclusive', message: `${name}: cannot tell whether the derivatives are right — ${describeComparison(worst)}. ${adviceFor(worst)}`, worst };
  }
  const nonsmooth = considered.filter((c) => c.verdict === 'nonsmooth');
  if (nonsmooth.length > 0) {
    const worst = mostSevere(nonsmooth)!;
    const what = worst.jump !== undefined ? 'not continuous here (its value jumps)' : 'not differentiable here';
    const rest = rests.some((c) => c.verdict === 'nonsmooth') ? ` (more than ${UNCLEAN_LIMIT} entries sit on kinks or jumps: the rest were judged together, as one projection)` : '';
    return { verdict: 'nonsmooth', message: `${name}: ${what}, and the analytic value is a one-sided derivative — ${describeComparison(worst)}${rest}`, worst };
  }
  const worst = ledger.worst!;
  return { verdict: 'pass', message: `${name}: ${ledger.count} comparisons agree with finite differences (worst relative error ${worst.relError.toExponential(1)}, tolerance ${worst.tolerance.toExponential(1)})${vagueness(ledger)}`, worst };
}

/** What would let the check tell. */
function adviceFor(c: Comparison): string {
  if (!Number.isFinite(c.absError) || !Number.isFinite(c.tolerance)) return 'The values overflow float64 here: check at inputs where they are smaller.';
  return (
    'The finite differences do not settle as the steps shrink, down to 2^-30 of the entry: the function changes faster than any usable step ' +
    '(an oscillation), or its forward is noisy. Check it at other inputs, or compute its forward in float64 if it is not.'
  );
}

/** A pass whose comparisons could not tell their derivatives from 0 says so: it vouches for little. */
function vagueness({ vague }: Ledger): string {
  if (vague.count === 0) return '';
  return (
    `; ${vague.count} of them could not tell the derivatives they compared from 0 (the finite differences resolve nothing below ` +
    `${vague.tolerance.toExponential(1)} there): for those, the pass says only that the derivatives are that small`
  );
}
