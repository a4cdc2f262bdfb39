/**
 * How robust detection is on the mutant corpus (fixtures/mutants): the share of 100 fresh cases
 * (checker seeds 0…99) at which each buggy layer is caught. properties/mutants.prop.ts asserts
 * that each is caught within fast-check's default 100 runs; this says how often one check does.
 */
import fc from 'fast-check';
import { mutants } from '../fixtures/mutants/index.js';
import { checkGradients } from '../src/check/index.js';
import { casesOf } from '../src/laws/index.js';
import { table } from './measure.js';

/** One mutant's single checks: how many of `cases` caught it. */
export interface MutantCatchRow {
  mutant: string;
  caught: number;
  cases: number;
}

export function benchMutantCatchRates(cases: number): MutantCatchRow[] {
  return mutants.map((record) => {
    const drawn = fc.sample(casesOf(record.mutant, record.inputs), { numRuns: cases, seed: 1 });
    return { mutant: record.name, caught: drawn.filter((c, seed) => !checkGradients(c.target, c.inputs, { seed }).ok).length, cases };
  });
}

export function mutantCatchTable(rows: readonly MutantCatchRow[]): string {
  return table(['mutant', 'caught'], rows.map((r) => [r.mutant, `${r.caught}/${r.cases}`]));
}
