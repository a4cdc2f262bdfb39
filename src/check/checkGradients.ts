import { Tensor, formatShape, isTensor } from '../tensor/index.js';
import { judgedBy, noiseOfDoubted } from './arithmetic.js';
import { SAFETY, agreesLoosely } from './compare.js';
import { type Context, type Disagreement, type Judging, compareAlong, confirmedProjection, newContext } from './context.js';
import type { Differentiable } from './differentiable.js';
import { finiteDifferences } from './fast.js';
import { describeComparison } from './format.js';
import { fullJacobian } from './full.js';
import { Ledger, mostSevere } from './ledger.js';
import { type Localised, UNCLEAN_LIMIT, atKink, localise } from './localise.js';
import { type NoiseReading, effectiveRounding } from './noise.js';
import { type CheckOptions, type Settings, cleanOptions } from './options.js';
import type { Comparison, GradCheckReport, Mode, Problem, Statistics, Verdict } from './report.js';
import { checkSecondOrder } from './second-order.js';
import { probeSettings, statisticalJudging } from './statistical-check.js';
import { ContractError, GuardedTarget, describe, describeThrown, firstChange, firstNonFinite, verdictOf } from './target.js';

/**
 * Check a target's analytic derivatives (vjp, and jvp when it has one) against finite differences
 * at the given inputs. Never throws, whatever it is given: a target that throws, returns the wrong
 * thing or breaks the contract, bad inputs and bad options get verdict 'error' or 'fail' with a
 * message saying what and where (see Verdict for which is which).
 */
export function checkGradients(target: Differentiable, inputs: readonly Tensor[], options?: CheckOptions): GradCheckReport {
  const guarded = new GuardedTarget(target);
  let ledger = new Ledger();
  let settings: Settings | undefined;
  let noise: NoiseReading | undefined;
  let method: GradCheckReport['method'] | undefined;
  const report = (verdict: Verdict, message: string, problem?: Problem, worst = ledger.worst): GradCheckReport => ({
    target: guarded.name,
    verdict,
    ok: verdict === 'pass' || verdict === 'nonsmooth',
    mode: settings?.mode ?? 'auto',
    ...(settings ? { precision: settings.precision } : {}),
    ...(noise ? { noise: noise.relative } : {}),
    ...(method ? { method } : {}),
    ...(worst ? { worst } : {}),
    mismatches: ledger.mismatches,
    ...(problem ? { problem } : {}),
    evaluations: { ...guarded.evaluations },
    seed: settings?.seed ?? 0,
    message,
  });
  try {
    const given = cleanOptions(guarded.name, options);
    if (given.order === 2) return checkSecondOrder(target, inputs, given, checkGradients);
    const copies = inputList(guarded.name, inputs);
    guarded.declare(copies.length);
    const output = evaluateAtInput(guarded, copies);
    const contextFor = (s: Settings, judging: Judging, into = ledger) => newContext(guarded, copies, guarded.nondifferentiable, output, s, judging, into);
    const judged = judgedBy(given, guarded, copies, output, contextFor);
    ({ settings, noise, method } = judged);
    const { ctx } = judged;
    let outcome = conclude(guarded.name, ledger, compare(ctx, settings.mode));
    // finite differences of a noisy float64 forward: what they blame may be its noise, and what
    // they let pass too — a probe's disagreement that no entry reproduced, where the entries'
    // tolerances were the noise's (a cancelling tanh at 2.2e-11 with its vjp 1% off: the probe
    // 1% off, the entry within 10%)
    const doubted = outcome.verdict === 'inconclusive' || outcome.verdict === 'fail' || ledger.unconfirmed > 0;
    const noisy = noise && method === 'finite differences' && !settings.tolerance && doubted ? noiseOfDoubted(ctx, noise) : undefined;
    if (noisy && ledger.mismatches.every((c) => continuous(c, noisy))) {
      // A second opinion, at the noise measured, decides.
      const atNoise = { ...settings, eps: effectiveRounding('float64', noisy) };
      const ctx = contextFor(atNoise, statisticalJudging(probeSettings(atNoise)), new Ledger());
      const second = secondOpinion(ctx, noisy, ledger.mismatches.every(small) ? 'excused' : 'failed');
      if (second) [outcome, method, settings, ledger, noise] = [second, 'statistical', atNoise, ctx.ledger, noisy];
    } else if (method === 'statistical' && (outcome.verdict === 'inconclusive' || (outcome.verdict === 'pass' && ledger.vague.count > 0))) {
      // error bars wider than the derivatives themselves (jumps closer than any window, read as
      // noise: floor(a / b)): finite differences at small steps may resolve what the windows cannot
      const resolved = resolveBySteps((s) => contextFor(s, finiteDifferences, new Ledger()), settings);
      if (resolved) [outcome, method, ledger] = [resolved.outcome, 'finite differences', resolved.ledger];
    }
    unchanged(guarded, copies, output);
    const { verdict, message, worst } = outcome;
    return report(verdict, message, verdict === 'fail' ? 'mismatch' : undefined, worst);
  } catch (error) {
    if (error instanceof ContractError) return report(verdictOf(error.problem), error.message, error.problem);
    return report('error', `${guarded.name}: the checker itself failed (${describeThrown(error)}) — please report this as a gradprop bug`, 'throws');
  }
}

/**
 * A comparison that crossed no jump beyond the forward's noise. Where finite differences found
 * one, it explains what the noise readings saw, at every step (a kink they may also see in noise:
 * the second opinion tells) — unless it is no larger than the noise itself, which finite
 * differences on a noisy staircase read as jumps (tanh as (e^{2x} − 1)/(e^{2x} + 1) at 1e-9: jumps
 * of 1 to 8 standard deviations of its noise, a few of its steps).
 */
function continuous(c: Comparison, noise: NoiseReading): boolean {
  return c.jump === undefined || Math.abs(c.jump) <= JUMP_IN_NOISE * noise.noise;
}

/**
 * A jump no larger than this many standard deviations of the forward's measured noise is noise:
 * about five steps of a staircase whose steps are uniform rounding (one step is √12 of them).
 */
const JUMP_IN_NOISE = 16;

type Outcome = ReturnType<typeof conclude>;

/**
 * A noisy forward's noise can explain a disagreement of finite differences of this share of the
 * derivative: a larger one — a wrong sign, a zero gradient, a 13% error — stands unless the
 * statistical test resolves the derivatives otherwise (see secondOpinion).
 */
const NOISE_EXCUSES = 1e-2;

function small(c: Comparison): boolean {
  return c.verdict !== 'fail' || c.relError <= NOISE_EXCUSES;
}

/**
 * The statistical test's opinion of a noisy float64 forward whose finite differences disagreed
 * (by a share that noise can explain: 'excused', or more: 'failed') or could not judge (their steps
 * resolve nothing in noise: 'excused' too). It read the noise off its samples, and its failure
 * stands, and its pass — over a larger disagreement only if it told every derivative from 0:
 * finite differences that settle on a tread of a noisy staircase read a slope of 0 (tanh as
 * (e^{2x} − 1)/(e^{2x} + 1) at 1e-9), the windows see the slope across it. Where the noise hides
 * the derivative it is inconclusive and says so, over an excused disagreement. Otherwise — a kink,
 * or no window its samples describe, where the readings saw structure rather than noise —
 * undefined, and the finite differences' verdict stands.
 */
function secondOpinion(ctx: Context, noise: NoiseReading, finite: 'excused' | 'failed'): Outcome | undefined {
  const outcome = conclude(ctx.target.name, ctx.ledger, compare(ctx, 'auto'));
  const hidden = outcome.verdict === 'inconclusive' && !outcome.worst.statistics?.misfit;
  const stands = {
    excused: outcome.verdict === 'pass' || outcome.verdict === 'fail' || hidden,
    failed: outcome.verdict === 'fail' || (outcome.verdict === 'pass' && ctx.ledger.vague.count === 0),
  }[finite];
  if (!stands) return undefined;
  outcome.message += ` — judged statistically: the forward's measured noise, ${noise.relative.toExponential(1)} of its values, is above float64 rounding, and finite differences would blame the derivatives for it`;
  return outcome;
}

/**
 * Finite differences at the arithmetic's steps and tolerance, where the statistical test could not
 * resolve the derivatives: their failure stands (the message says why they were asked) where
 * steps sixteen times smaller fail the same comparison — float32 steps past the first four are
 * inexact, so no further run of the same steps can show an oscillation that aliased on them
 * (sin(10⁴·x) and sin(10⁵·x) in float32, their gradients right: 16 and 15 of 60 checks failed on
 * one run, 3 and 3 so confirmed; floor(a / b) over 30 and 300 entries with a / b's gradient: 12
 * and 11 of 12 failed on one run, 12 and 10 so confirmed). Any other verdict leaves the
 * statistical one. Undefined: it stands.
 */
function resolveBySteps(contextAt: (settings: Settings) => Context, settings: Settings): { outcome: Outcome; ledger: Ledger } | undefined {
  const first = stepsFail(contextAt(settings), settings.mode);
  const finer = first && stepsFail(contextAt({ ...settings, step: settings.step * FINER, exactStep: settings.exactStep * FINER }), settings.mode);
  if (!first || !finer) return undefined;
  const again = new Set(failing(finer.ledger).map(place));
  if (!failing(first.ledger).some((c) => again.has(place(c)))) return undefined;
  const { outcome, ledger } = first;
  outcome.message += ' — by finite differences at small steps: the significance test on noisy arithmetic could not resolve these derivatives (error bars wider than the derivatives, as jumps closer than its windows make)';
  return { outcome, ledger };
}

/** Steps sixteen times smaller: an oscillation that aliased on one run of steps aliases on these only by chance. */
const FINER = 2 ** -4;

/** Where a comparison was made: its input entry (or the probe), output entry and quantity. */
function place({ input, index, output, quantity }: Comparison): string {
  return JSON.stringify([input, index, output ?? null, quantity]);
}

/** The check by finite differences in this context, where it fails: its outcome and ledger. */
function stepsFail(ctx: Context, mode: Mode): { outcome: Outcome; ledger: Ledger } | undefined {
  let outcome: Outcome;
  try {
    outcome = conclude(ctx.target.name, ctx.ledger, compare(ctx, mode));
  } catch (error) {
    // no step around the input is defined: the statistical verdict, which says so, stands
    if (error instanceof ContractError && error.problem === 'non-finite-output') return undefined;
    throw error;
  }
  return outcome.verdict === 'fail' ? { outcome, ledger: ctx.ledger } : undefined;
}

function failing(ledger: Ledger): Comparison[] {
  return ledger.mismatches.filter((c) => c.verdict === 'fail');
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
      // a typed array's constructor copies it whole (Float64Array.from walks it entry by entry)
      copy = new Tensor(new Float64Array(x.data), x.shape);
    } catch {
      const hint = Array.isArray(x) || typeof x === 'number' ? ' (make it one with tensor(...))' : '';
      throw bad(`input ${k} is ${describe(x)}${hint}`);
    }
    const i = firstNonFinite(copy.data);
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
  const nonFinite = firstNonFinite(output.data);
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
  const again = target.forwardLent(inputs);
  const differs = again.size === first.size ? firstChange(first.data, again.data) : -1;
  if (again.size !== first.size || differs >= 0) {
    const what = again.size !== first.size ? `shapes ${formatShape(first.shape)} then ${formatShape(again.shape)}` : `${first.data[differs]} then ${again.data[differs]} at flat index ${differs}`;
    const when = calls > 1 ? ` (the first call, then call ${calls + 1})` : '';
    throw new ContractError('nondeterminism', `${target.name}: forward is not deterministic — the same input gave ${what}${when}`);
  }
}

/** How far the comparisons went. */
interface Search {
  /** False when a limit stopped localisation before every disagreeing part was followed. */
  complete: boolean;
  /**
   * Projections that speak for entries that could not: over what was left after UNCLEAN_LIMIT
   * entries on kinks or jumps, and failing probes confirmed where no entry failed and some could
   * not tell (see standing).
   */
  rests: Comparison[];
  /** Probes whose disagreement is evidence on its own, whatever their entries show (see Judging.projectionsStand). */
  evident: Comparison[];
  /** Of those, probes whose failure was found to be kinks' (see atKinks). */
  kinked: Comparison[];
  /** The derivatives were judged by the significance test (noisy arithmetic), not by finite differences' tolerance. */
  statistical: boolean;
}

/**
 * Run the mode's comparisons with the context's judging: full mode compares every entry of the
 * Jacobian; fast and auto probe, and localise what disagrees.
 */
function compare(ctx: Context, mode: Mode): Search {
  if (mode === 'full') {
    fullJacobian(ctx);
    return { complete: true, rests: [], evident: [], kinked: [], statistical: ctx.judging !== finiteDifferences };
  }
  const disagreements = ctx.judging.probes(ctx);
  // auto names every wrong entry (up to a limit); fast stops at the first, which confirms the
  // probe: a projection's disagreement that no entry reproduces is not taken for a bug, unless
  // the judging makes projections evidence on their own
  const limit = mode === 'auto' ? ctx.settings.maxMismatches : 1;
  const evident = ctx.judging.projectionsStand ? disagreements.filter((x) => x.comparison.verdict === 'fail').map((x) => x.comparison) : [];
  const search: Search = { complete: true, rests: [], evident, kinked: [], statistical: ctx.judging !== finiteDifferences };
  for (const quantity of ['vjp', 'jvp'] as const) {
    // a probe whose verdict is evidence on its own stands at a kink too: where the samples put the
    // analytic value between the slopes on either side, halves of the direction would cost a
    // passing check twice its probe, and a check that must cost no more than its probe
    const d = disagreements.find((x) => x.comparison.quantity === quantity && !(ctx.judging.projectionsStand && x.comparison.verdict === 'nonsmooth'));
    if (!d) continue;
    const localised: Localised = localise(ctx, d, limit);
    search.complete &&= localised.complete;
    if (localised.rest) search.rests.push(localised.rest);
    if (localised.failures === 0 && localised.covered && !ctx.judging.projectionsStand) {
      const stands = standing(ctx, d);
      if (stands) search.rests.push(stands);
      else unconfirmed(ctx, disagreements, quantity);
    } else if (localised.failures === 0 && (localised.kinks > 0 || atKink(d.comparison)) && ctx.judging.projectionsStand) {
      search.kinked.push(...atKinks(disagreements, quantity));
    }
  }
  ctx.ledger.revise();
  return search;
}

/**
 * A probe's failure that no entry reproduced because some entry could not tell (an oscillation
 * that the probe's steps resolve and an entry's alias): it stands as the evidence if it fails
 * again on further runs of steps, as an entry's failure must — and if it is sharp where the
 * entries were not: its numeric value known to better than itself (its tolerance below it), and
 * its analytic slope one the steps could show (see Derivatives.limit). Runs of steps move the
 * input on one lattice, so an oscillation far faster than any step that aliases into a smooth
 * curve on one run does on the next as often as not (sin(3.4·10¹³·x): a crisp slope of 44 for
 * 6.8·10¹²; sin(2.5·10¹³·x): 502 ± 509 read as rounding for 9.5·10⁸). An entry that agreed, if
 * too loosely to vouch for it, told: its steps read the slope, and the probe's disagreement is the
 * probe's alone (softplus(5·10⁹·(x − c))/5·10⁹ 5.4e-11 from its bend: both 12% low, the probe sharp).
 */
function standing(ctx: Context, { comparison, direction, cotangent, analytic }: Disagreement): Comparison | undefined {
  const { quantity } = comparison;
  const untold = ctx.ledger.mismatches.some((c) => c.input !== null && c.quantity === quantity && c.verdict === 'inconclusive' && !agreesLoosely(c));
  if (comparison.verdict !== 'fail' || !untold) return undefined;
  const confirmed = compareAlong(ctx, direction, cotangent, analytic, { input: null, index: [], quantity }, true);
  const sharp = confirmed.tolerance < Math.abs(confirmed.numeric) && Math.abs(confirmed.analytic) <= confirmedProjection(ctx, direction, cotangent).limit;
  return confirmed.verdict === 'fail' && sharp ? Object.assign(comparison, confirmed) : undefined;
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
 * Probes whose failure no entry reproduced, where the probe, entries it moves or parts of its
 * direction sit on a kink at the input: a window that did not resolve the kink reads the mean of
 * the slopes on its two sides (a float32 relu MLP whose hidden unit's pre-activation is 1e-5 from
 * 0), and one that did reads them beyond a gap between samples that may hold more kinks, and the
 * input on a stretch of its own between them (two hidden units 1e-3 from theirs) — the failure is
 * the kinks', and no evidence of an error spread over the entries: 'nonsmooth'.
 */
function atKinks(disagreements: readonly Disagreement[], quantity: Comparison['quantity']): Comparison[] {
  const failed = disagreements.map((d) => d.comparison).filter((c) => c.quantity === quantity && c.verdict === 'fail');
  for (const comparison of failed) comparison.verdict = 'nonsmooth';
  return failed;
}

/**
 * The verdict: localised entries speak for their quantity; unlocalised probes for theirs, and
 * projections over entries left unjudged for those. A failure anywhere fails the check; then a
 * comparison that could not be resolved makes it inconclusive; then kinks and jumps, nonsmooth.
 */
function conclude(name: string, ledger: Ledger, { complete, rests, evident, kinked, statistical }: Search): { verdict: Verdict; message: string; worst: Comparison } {
  const localised = ledger.mismatches.filter((c) => c.input !== null);
  const covered = new Set(localised.map((c) => c.quantity));
  const speaks = (c: Comparison) => !covered.has(c.quantity) || rests.includes(c) || evident.includes(c);
  const considered = [...localised, ...ledger.mismatches.filter((c) => c.input === null && speaks(c))];
  ledger.mismatches.sort((a, b) => Number(a.input === null) - Number(b.input === null));
  const failures = considered.filter((c) => c.verdict === 'fail');
  if (failures.length > 0) {
    // an entry named beats a projection: it is what a person can act on
    const worst = mostSevere(failures.filter((c) => c.input !== null)) ?? mostSevere(failures)!;
    const more = failures.length > 1 ? ` (${failures.length}${complete ? '' : '+'} comparisons disagree)` : '';
    const spread = worst.input === null && evident.includes(worst) ? '; no entry is off by enough to show on its own: the error is spread over many' : '';
    const slight =
      worst.statistics && worst.relError < SLIGHT
        ? `; a disagreement this slight (${worst.relError.toExponential(1)} of the derivative) is also what a forward good to a few units in its last place makes where its error varies smoothly (a polynomial approximation: TensorFlow.js's erf is 1e-6 to 6e-6 off the exact derivative its gradient computes) — the vjp, or the forward`
        : '';
    return { verdict: 'fail', message: `${name}: ${describeComparison(worst)}${more}${slight}${spread}`, worst };
  }
  const inconclusive = considered.filter((c) => c.verdict === 'inconclusive');
  if (inconclusive.length > 0) {
    const worst = mostSevere(inconclusive)!;
    return { verdict: 'inconclusive', message: `${name}: cannot tell whether the derivatives are right — ${describeComparison(worst)}. ${adviceFor(worst)}`, worst };
  }
  const nonsmooth = considered.filter((c) => c.verdict === 'nonsmooth');
  if (nonsmooth.length > 0) {
    const worst = mostSevere(nonsmooth.filter((c) => c.input !== null)) ?? mostSevere(nonsmooth)!;
    const what = worst.jump !== undefined ? 'not continuous here (its value jumps)' : 'not differentiable here';
    const rest = rests.some((c) => c.verdict === 'nonsmooth')
      ? ` (more than ${UNCLEAN_LIMIT} entries sit on kinks or jumps: the rest were judged together, as one projection)`
      : kinked.includes(worst)
        ? ' (the probe disagreed, but no entry it moves does on its own, and the input sits on a kink along it: its window reads the slopes beyond the samples next to the input, and kinks closer together than those can put the input on a stretch of its own)'
        : '';
    return { verdict: 'nonsmooth', message: `${name}: ${what}, and the analytic value is a one-sided derivative — ${describeComparison(worst)}${rest}`, worst };
  }
  const worst = ledger.worst!;
  const z = worst.statistics?.z;
  const largest = z === undefined ? '' : z > 0 ? `: the closest to failing is ${z.toFixed(1)} standard errors beyond the rounding allowed for, failing takes ${worst.statistics!.threshold}` : ': every one within the rounding allowed for';
  const against = statistical
    ? `within their error bars (a significance test on noisy arithmetic${largest})`
    : `with finite differences (worst relative error ${worst.relError.toExponential(1)}, tolerance ${worst.tolerance.toExponential(1)})`;
  return { verdict: 'pass', message: `${name}: ${ledger.count} comparisons agree ${against}${vagueness(ledger, statistical)}`, worst };
}

/**
 * Below this relative disagreement a statistical failure says it may be the forward's: float32
 * kernels approximate transcendentals to a few units in the last place with errors that vary
 * smoothly, and such a forward's slope is off its exact derivative by 1e-6 to 1e-5 of it.
 */
const SLIGHT = 1e-4;

/** What would let the check tell. */
function adviceFor(c: Comparison): string {
  if (c.statistics) return statisticalAdvice(c.statistics);
  if (!Number.isFinite(c.absError) || !Number.isFinite(c.tolerance)) return 'The values overflow float64 here: check at inputs where they are smaller.';
  if (agreesLoosely(c)) {
    return (
      `The finite differences agree, but only to within ${(c.tolerance / Math.abs(c.numeric)).toExponential(1)} of the derivative (their own error, ${SAFETY} times over): ` +
      'a derivative off by less would agree as well. The function changes nearly as fast as the smallest usable step (an oscillation, or a bend as sharp), or its forward is noisy. ' +
      'Check it at other inputs, or compute its forward in float64 if it is not.'
    );
  }
  if (c.jump === undefined && c.oneSided && c.analytic > Math.min(...c.oneSided) && c.analytic < Math.max(...c.oneSided)) {
    return (
      'The one-sided slopes differ by more than their own errors, and the derivative lies between them: the input may sit on a kink, or a bend as narrow as the steps, ' +
      'where the central quotients read the mean of its slopes. Check it at inputs farther from the bend.'
    );
  }
  if (c.jump !== undefined && c.oneSided && c.analytic * c.jump > 0 && Math.abs(c.analytic) > Math.max(...c.oneSided.map(Math.abs)) + c.tolerance) {
    return (
      `The value jumps by ${c.jump.toExponential(2)} between the smallest steps, and the derivative, steeper than the slopes beside them and of the jump's sign, ` +
      'is what a rise narrower than every step would have (a steep tanh or sigmoid): no step reads the slope inside such a rise. Check it at inputs farther from the rise.'
    );
  }
  return (
    'The finite differences do not settle as the steps shrink, down to 2^-30 of the entry: the function changes faster than any usable step ' +
    '(an oscillation), or its forward is noisy. Check it at other inputs, or compute its forward in float64 if it is not.'
  );
}

/** What a noisy forward's samples showed, and what would resolve the question. */
function statisticalAdvice(s: Statistics): string {
  const what = s.misfit
    ? `${s.misfit[0]!.toUpperCase()}${s.misfit.slice(1)}.`
    : `The forward's noise hides it: its samples scatter by ${s.noise.toExponential(1)} about a smooth curve, which leaves the derivative ` +
      `uncertain by ${s.standardError.toExponential(1)} (one standard error, on a window of ±${s.halfWidth} of each entry's scale) — too much to call it right, too little to call it wrong.`;
  return `${what} Check it at other inputs, or with its forward computed in float64: a check cannot see an error smaller than the noise of the forward it samples.`;
}

/** A pass whose comparisons could not tell their derivatives from 0 says so: it vouches for little. */
function vagueness({ vague }: Ledger, statistical: boolean): string {
  if (vague.count === 0) return '';
  return (
    `; ${vague.count} of them could not tell the derivatives they compared from 0 (${statistical ? 'the samples' : 'the finite differences'} resolve nothing below ` +
    `${vague.tolerance.toExponential(1)} there): for those, the pass says only that the derivatives are that small`
  );
}
