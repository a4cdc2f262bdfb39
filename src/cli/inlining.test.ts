import { describe, expect, test } from 'vitest';
import { INLINING_BUDGET, INLINING_FLAG, budgetInlining } from './inlining.js';

type Budget = typeof budgetInlining;

/** The flags a budget function sets for a process started with `execArgv`. */
function flagsSet(budget: Budget, execArgv: string[]): string[] {
  const set: string[] = [];
  budget(execArgv, (flags) => set.push(flags));
  return set;
}

/** The checks: gradprop's budget by default, beside other flags too; a budget on the command line, either spelling, left alone. */
function respectsTheCommandLine(budget: Budget): void {
  const ours = [`${INLINING_FLAG}=${INLINING_BUDGET}`];
  expect(flagsSet(budget, []), 'no flags').toEqual(ours);
  expect(flagsSet(budget, ['--max-inlined-bytecode-size=100', '--import', 'tsx/esm']), 'other flags').toEqual(ours);
  expect(flagsSet(budget, ['--max-inlined-bytecode-size-cumulative=920']), 'the budget given').toEqual([]);
  expect(flagsSet(budget, ['--max_inlined_bytecode_size_cumulative=920']), 'the budget given with underscores').toEqual([]);
}

describe('budgetInlining', () => {
  test("sets gradprop's inlining budget unless the command line sets one", () => {
    respectsTheCommandLine(budgetInlining);
  });

  test('broken twins: one that overrides the command line, one that takes a neighbouring flag for the budget', () => {
    const overrides: Budget = (_, setFlags = () => {}) => setFlags(`${INLINING_FLAG}=${INLINING_BUDGET}`);
    const byPrefix: Budget = (execArgv, setFlags = () => {}) => {
      if (!execArgv.some((arg) => arg.startsWith('--max-inlined-bytecode-size'))) setFlags(`${INLINING_FLAG}=${INLINING_BUDGET}`);
    };
    expect(() => respectsTheCommandLine(overrides)).toThrow(/^the budget given: expected/);
    expect(() => respectsTheCommandLine(byPrefix)).toThrow(/^other flags: expected/);
  });
});
