/**
 * How much V8 inlines in gradprop's worker processes. A worker lives for seconds and runs much code
 * a little (every op, model and law for a hundred cases): with V8's default budget, half of
 * `gradprop verify`'s CPU went to TurboFan optimising that code, on background threads that take
 * the cores the other workers need. A budget of 150 bytes of bytecode instead of 920 halved that
 * work and left the laws as fast (`npm run bench -- --only=workers` measures both).
 */
import { setFlagsFromString } from 'node:v8';

/** V8's flag: the bytecode TurboFan may inline into one optimised function, in all. */
export const INLINING_FLAG = '--max-inlined-bytecode-size-cumulative';

/** gradprop's budget for its workers, in bytes of bytecode. */
export const INLINING_BUDGET = 150;

/**
 * Give this process gradprop's inlining budget, unless its command line sets one (as the bench does
 * to run V8's default). A flag this Node's V8 does not know is ignored.
 */
export function budgetInlining(execArgv: readonly string[], setFlags: (flags: string) => void = setFlagsFromString): void {
  if (execArgv.some((arg) => arg.replaceAll('_', '-').startsWith(`${INLINING_FLAG}=`))) return;
  setFlags(`${INLINING_FLAG}=${INLINING_BUDGET}`);
}
