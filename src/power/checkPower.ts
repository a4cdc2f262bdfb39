import fc from 'fast-check';
import { type CheckOptions, checkGradients } from '../check/index.js';
import { type Case, type Subject, caseCode, casesOf } from '../laws/index.js';
import { Rng, Tensor } from '../tensor/index.js';
import { degenerateInputs } from './inspect.js';
import { type Perturbation, perturbations } from './perturbations.js';
import type { PerturbationResult, PowerOptions, PowerReport } from './report.js';

const DEFAULT_SCALES = [1e-2, 1e-4, 1e-6] as const;

/** What one run of the user's test found: the first failing case, and how many cases had a place for the bug. */
interface Outcome {
  caught: boolean;
  cases: number;
  applicable: number;
  /** The failing case and its message, for a target that fails unperturbed. */
  failure?: string;
  /** Cases in which the checker budgeted for float32 arithmetic it read off the forward's noise. */
  float32: number;
}

/**
 * How strong is a gradient test? Plants bugs in the target's own vjp — one entry scaled by 1 + δ,
 * a sign flipped, an entry zeroed, two gradients swapped, a square gradient transposed, a repeated
 * id's accumulation dropped — and runs the user's test (the same inputs, options, number of runs and
 * seed) against each. A bug the test misses becomes a weakness saying why: a tolerance that lets it
 * through, too few runs, or inputs that cannot show it; the inputs are inspected for degenerate
 * patterns as well. Every run is seeded: the same call gives the same report.
 */
export function checkPower(subject: Subject, inputs?: fc.Arbitrary<Tensor[]>, options: PowerOptions = {}): PowerReport {
  const { numRuns = 100, seed = fc.readConfigureGlobal().seed ?? 0, scales = DEFAULT_SCALES, extendedRuns = 10 * numRuns, draw, ...check } = options;
  const cases = casesOf(subject, inputs, draw);
  const name = subject.name;
  const seen: Case[] = [];
  const baseline = run(cases, null, numRuns, seed, check, seen);
  if (baseline.caught) {
    const weakness = `${name} fails its own test (seed ${seed}, case ${baseline.cases}): ${baseline.failure} — its test's power can be measured once it passes`;
    return { target: name, perturbations: [], weaknesses: [weakness], ok: false };
  }
  const weaknesses = degenerateInputs(seen);
  const tighter = tighterCheck(check, baseline, numRuns);
  // the derived float64 tolerance is offered only where the unperturbed target passes with it
  const tightened = tighter && !run(cases, null, numRuns, seed, tighter.check).caught ? tighter : undefined;
  const results = perturbations(scales).map((p): PerturbationResult => {
    const found = run(cases, p, numRuns, seed, check);
    const result = { name: p.name, description: p.description, applicable: found.applicable > 0, caught: found.caught };
    if (found.caught) {
      if (found.cases > 1 && found.cases > numRuns / 2) weaknesses.push(`${p.name} is caught only at case ${found.cases} of ${numRuns}: another seed may well miss it — run more cases`);
      return { ...result, casesToCatch: found.cases };
    }
    const strict = tightened ? run(cases, p, numRuns, seed, tightened.check) : undefined;
    if (tightened && strict?.caught) {
      weaknesses.push(`tolerance too loose: with ${tightened.loosened}, ${p.name} (${p.description}) passes all ${numRuns} cases; the derived float64 tolerance catches it at case ${strict.cases}, and the target passes it`);
      return result;
    }
    const longer = extendedRuns > numRuns ? run(cases, p, extendedRuns, seed, check) : found;
    if (longer.caught) {
      weaknesses.push(`too few runs: ${p.name} (${p.description}) passes all ${numRuns} cases and is caught only at case ${longer.cases} — run at least ${longer.cases} cases`);
    } else if (longer.applicable > 0) {
      weaknesses.push(`${p.name} (${p.description}) goes unnoticed over ${longer.cases} cases (seed ${seed}): ${unnoticedBecause(tighter && !tightened ? tighter.loosened : undefined, baseline.float32, numRuns)}`);
    }
    return result;
  });
  return { target: name, perturbations: results, weaknesses, ok: weaknesses.length === 0 };
}

/**
 * Why a perturbation no check caught went unnoticed: a loosened tolerance the target needs (it
 * fails the derived float64 one), float32 arithmetic whose rounding is larger than the error (a
 * forward the checker judged by its noise passes the derived float64 tolerance too: the check then
 * judges it by that noise whatever it is told), or inputs that cannot show it.
 */
function unnoticedBecause(neededLoosening: string | undefined, float32Cases: number, numRuns: number): string {
  if (neededLoosening) return `with ${neededLoosening}, which the target needs: it fails the derived float64 tolerance`;
  if (float32Cases > 0) return `its forward computes in float32 (read off its noise in ${float32Cases} of ${numRuns} cases), whose rounding hides an error this small`;
  return 'the inputs cannot show it';
}

/**
 * The user's test, run with a perturbation planted in every case (or none), `runs` cases from
 * `seed`; stops at the first case that fails. `seen` collects the cases drawn.
 */
function run(cases: fc.Arbitrary<Case>, perturbation: Perturbation | null, runs: number, seed: number, check: CheckOptions, seen?: Case[]): Outcome {
  let applicable = 0;
  let float32 = 0;
  let failure: string | undefined;
  const property = fc.property(cases, fc.nat(), (c, probeSeed) => {
    seen?.push(c);
    // copies: a target that mutates its inputs must not rewrite the generated case
    const inputs = c.inputs.map((x) => new Tensor(x.data.slice(), x.shape));
    const target = perturbation ? perturbation.plant(c.target, inputs, new Rng(probeSeed)) : c.target;
    if (!target) return true;
    applicable++;
    const report = checkGradients(target, inputs, { ...check, seed: probeSeed });
    if (report.precision === 'float32') float32++;
    if (!report.ok) failure = `${report.message} at ${caseCode(c)}`;
    return report.ok;
  });
  const details = fc.check(property, { numRuns: runs, seed, endOnFailure: true });
  return { caught: details.failed, cases: details.numRuns, applicable, float32, ...(failure ? { failure } : {}) };
}

/**
 * The check with the derived float64 tolerance, when the test's is looser: a fixed atol or rtol, a
 * float32 budget asked for, or float32 arithmetic the checker read off the forward's noise (a
 * forward that rounds to float32 somewhere inside). Says what was loose.
 */
function tighterCheck(check: CheckOptions, baseline: Outcome, numRuns: number): { check: CheckOptions; loosened: string } | undefined {
  const { atol, rtol, precision } = check;
  const read = precision === undefined || precision === 'auto' ? baseline.float32 : 0;
  const loosened = [
    atol !== undefined && `atol ${atol}`,
    rtol !== undefined && `rtol ${rtol}`,
    precision === 'float32' && 'precision float32',
    read > 0 && `float32 arithmetic read off the forward's noise (in ${read} of ${numRuns} cases; say precision: 'float64' if the target computes in float64)`,
  ].filter(Boolean);
  if (loosened.length === 0) return undefined;
  return { check: { ...check, atol: undefined, rtol: undefined, precision: 'float64' }, loosened: loosened.join(', ') };
}
