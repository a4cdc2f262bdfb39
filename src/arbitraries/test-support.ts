import fc from 'fast-check';

/** The counterexample fast-check shrinks to when `predicate` fails, for tests of shrinking. */
export function shrunk<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => boolean, seed = 1): T {
  const { counterexample } = fc.check(fc.property(arb, predicate), { seed });
  if (counterexample === null) throw new Error(`expected a counterexample with seed ${seed}`);
  return counterexample[0];
}
