/**
 * The audit of TensorFlow.js's gradients: every tfjs-core kernel with a registered gradient (and
 * the tfjs-core functions whose gradient is a tf.customGrad), checked as a user would check them —
 * `checkGradients(fromTfjs(call))`, default options, on the CPU backend — over inputs drawn from a
 * domain per kernel (valid ranges, shapes that broadcast, attributes), float32 values.
 *
 * Each row's outcome is recorded (tfjs-audit/*.ts): a pass — every case, no false alarm — or a
 * known tfjs 4.22 bug (tfjs-audit/known-bugs.ts) that every case must show as recorded: a vjp that
 * throws naming the kernel, or a failed comparison at the recorded input. A tfjs release that fixes
 * or breaks a gradient fails this suite. Every bug is confirmed without gradprop: the kernel
 * reimplemented in float64 must agree with tfjs's forward, and its gradient (central differences
 * in float64) must differ from tfjs's, or tfjs's backward throws. A case where the check passes
 * although tfjs's gradient differs from the float64 one is a miss of the float32 check, counted
 * and printed; a bug row may miss at most MISSES_ALLOWED of its cases.
 *
 * Runs in `npm run test:tfjs` (about a minute): GRADPROP_SEED=<n> draws other cases, AUDIT_RUNS=<n>
 * sets the cases per row (default 20).
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { opInputs } from '../src/arbitraries/index.js';
import { type GradCheckReport, checkGradients } from '../src/check/index.js';
import { Rng, Tensor } from '../src/tensor/index.js';
import { fromTfjs, registeredGradients, tfjsReady } from '../src/tfjs/index.js';
import { type Approximation, type AuditedOp, type Call, rowName } from './tfjs-audit/audited-op.js';
import { COMPOSITES } from './tfjs-audit/composites.js';
import { ELEMENTWISE } from './tfjs-audit/elementwise.js';
import { distance, vjpByDifferences } from './tfjs-audit/float64.js';
import { FORWARD_BUGS, KNOWN_BUGS, type KnownBug } from './tfjs-audit/known-bugs.js';
import { NN } from './tfjs-audit/nn.js';
import { REDUCTIONS } from './tfjs-audit/reductions.js';
import { SHAPES } from './tfjs-audit/shapes.js';

const ROWS: AuditedOp[] = [...ELEMENTWISE, ...REDUCTIONS, ...SHAPES, ...NN, ...COMPOSITES];

/** Kernels with a registered gradient that no row checks, and why. */
const LEFT_OUT: Record<string, string> = {
  ComplexAbs: 'its input is complex64, which finite differences over real entries cannot perturb, and tfjs has no gradient for Complex to build it from real inputs',
  OneHot: 'its only input is integer indices: there is nothing to differentiate',
  BroadcastTo: 'no backend implements the kernel: tf.broadcastTo runs Tile (audited as the row Tile (tf.broadcastTo)), so its registered gradient cannot be reached',
  LogSoftmax: "no backend implements the kernel (tf.logSoftmax runs Max, Sub, Exp, Sum and Log under a tf.customGrad, audited as the function 'logSoftmax'), so its registered gradient cannot be reached",
};

const RUNS = Number(process.env.AUDIT_RUNS ?? 20);
const SEED = Number(process.env.GRADPROP_SEED ?? 20201);
/** Of a bug row's cases, at most this share may pass although tfjs's gradient is wrong (the float32 check's misses). */
const MISSES_ALLOWED = 0.2;

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tfjsReady();
});

/** A row's cases: its domain sampled from the suite's seed and the row's name, inputs rounded to float32. */
function casesOf(op: AuditedOp): Call[] {
  const seed = [...rowName(op)].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, SEED);
  const float = (k: number) => (op.dtypes?.[k] ?? 'float32') === 'float32';
  return fc
    .sample(opInputs({ sample: (draw) => ({ attrs: undefined, ...op.sample(draw) }) }, { kinkMargin: 0.1 }), { numRuns: RUNS, seed })
    .map(({ inputs, attrs }) => ({ inputs: inputs.map((t, k) => (float(k) ? new Tensor(t.data.map(Math.fround), t.shape) : t)), attrs }));
}

function targetOf(op: AuditedOp, c: Call) {
  return fromTfjs((...xs: tf.Tensor[]) => op.call(xs, c.attrs), { name: rowName(op), ...(op.dtypes ? { dtypes: op.dtypes } : {}), castOutput: op.castOutput ?? false });
}

/** ±[0.5, 1.5) from a seeded stream: the cotangent of the confirmation. */
function cotangent(shape: readonly number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((p, s) => p * s, 1);
  return new Tensor(Float64Array.from({ length: size }, () => Math.fround((rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5))), shape);
}

/** tfjs's forward and gradients for `dy`, straight from tf.grads — not through gradprop. */
function tfjsAnswer(op: AuditedOp, c: Call, dy: Tensor): { forward: Tensor; grads?: Tensor[]; threw?: string } {
  let answer: { forward: Tensor; grads?: Tensor[]; threw?: string } | undefined;
  tf.tidy(() => {
    answer = answerIn(op, c, dy);
  });
  return answer!;
}

function answerIn(op: AuditedOp, c: Call, dy: Tensor): { forward: Tensor; grads?: Tensor[]; threw?: string } {
  {
    const dtypes = c.inputs.map((_, k) => op.dtypes?.[k] ?? 'float32');
    const xs = c.inputs.map((t, k) => tf.tensor(dtypes[k] === 'float32' ? Float32Array.from(t.data) : Int32Array.from(t.data), [...t.shape], dtypes[k]));
    const variables = xs.filter((_, k) => dtypes[k] === 'float32');
    const f = (...vs: tf.Tensor[]) => {
      const all = xs.map((x, k) => (dtypes[k] === 'float32' ? vs[variables.indexOf(x)]! : x));
      const y = op.call(all, c.attrs);
      return op.castOutput ? tf.cast(y, 'float32') : y;
    };
    const read = (t: tf.Tensor) => new Tensor(Float64Array.from(t.dataSync()), t.shape);
    const forward = read(f(...variables));
    try {
      const grads = tf.grads(f)(variables, tf.tensor(Float32Array.from(dy.data), [...dy.shape]));
      return { forward, grads: xs.map((x, k) => (dtypes[k] === 'float32' ? read(grads[variables.indexOf(x)]!) : new Tensor(new Float64Array(x.size), x.shape))) };
    } catch (error) {
      return { forward, threw: String(error) };
    }
  }
}

/**
 * The independent verdict on one case: the float64 reimplementation agrees with tfjs's forward and
 * has a finite gradient (by central differences), and tfjs's gradient is 'wrong' (differs from it),
 * 'right', or tfjs threw.
 */
function confirm(op: AuditedOp, bug: KnownBug, c: Call, seed: number): 'wrong' | 'right' | 'threw' {
  const differentiable = c.inputs.flatMap((_, k) => ((op.dtypes?.[k] ?? 'float32') === 'float32' ? [k] : []));
  const expected = bug.forward64(c.inputs, c.attrs);
  const dy = cotangent(expected.shape, seed);
  const tfjs = tfjsAnswer(op, c, dy);
  const off = distance(tfjs.forward, expected);
  if (off > 1e-4) throw new Error(`${rowName(op)}: the float64 reimplementation disagrees with tfjs's forward by ${off.toExponential(2)} — it does not compute the same function`);
  const truth = vjpByDifferences((xs) => bug.forward64(xs, c.attrs), c.inputs, dy, differentiable);
  if (!truth.every((g) => g.data.every(Number.isFinite))) throw new Error(`${rowName(op)}: the float64 gradient is not finite — there is no gradient to compare`);
  if (tfjs.threw !== undefined) return 'threw';
  if (!differentiable.every((k) => tfjs.grads![k]!.data.every(Number.isFinite))) return 'wrong';
  const worst = Math.max(...differentiable.map((k) => distance(tfjs.grads![k]!, truth[k]!)));
  if (worst > 1e-2) return 'wrong';
  if (worst < 1e-3) return 'right';
  throw new Error(`${rowName(op)}: tfjs's gradient is ${worst.toExponential(2)} from the float64 one — neither clearly right nor clearly wrong`);
}

/**
 * Whether a case's failure is the forward's approximation (see Approximation): true, or why not.
 * The approximation's slope must differ from tfjs's gradient by more than 16 ε₃₂ of the
 * gradient's largest entry — the check's allowance for the vjp's rounding.
 */
function approximationShows(op: AuditedOp, approximation: Approximation, c: Call, seed: number): true | string {
  const dy = cotangent(approximation.forward64(c.inputs).shape, seed);
  const tfjs = tfjsAnswer(op, c, dy);
  const forward = distance(tfjs.forward, approximation.forward64(c.inputs));
  if (forward > 1e-6) return `tfjs's forward is ${forward.toExponential(1)} from the approximation recorded`;
  if (!tfjs.grads) return `tfjs's backward threw: ${tfjs.threw}`;
  const exact = distance(tfjs.grads[0]!, approximation.gradient64(c.inputs, dy)[0]!);
  if (exact > 2 ** -20) return `tfjs's gradient is ${exact.toExponential(1)} from the exact derivative recorded`;
  const slope = distance(tfjs.grads[0]!, vjpByDifferences(approximation.forward64, c.inputs, dy, [0])[0]!);
  return slope > 16 * 2 ** -24 || `the approximation's slope is within ${slope.toExponential(1)} of tfjs's gradient: rounding, not the approximation`;
}

/** Whether a report shows the bug as recorded; undefined when it does, else what it shows instead. */
function showsBug(report: GradCheckReport, op: AuditedOp, bug: KnownBug): string | undefined {
  const shows = bug.shows;
  if (shows.problem === 'throws') {
    const named = op.source === 'customGrad' || report.message.includes(`TfjsGradientError: TensorFlow.js's gradient for kernel '${op.kernel}'`);
    return !report.ok && report.problem === 'throws' && named ? undefined : `expected a vjp that throws naming kernel '${op.kernel}'`;
  }
  if (shows.problem !== 'mismatch') return 'not checkable in-process';
  // reading past the end of its buffer, tfjs's backward gives NaN: a non-finite gradient of the same input
  const at = report.problem === 'non-finite-gradient' ? new RegExp(`gradient for input ${shows.input} is not finite`).test(report.message) : report.mismatches.some((m) => m.verdict === 'fail' && m.input === shows.input);
  return !report.ok && (report.problem === 'mismatch' || report.problem === 'non-finite-gradient') && at ? undefined : `expected a failed comparison at input ${shows.input}`;
}

const describeCase = (c: Call) => `inputs ${c.inputs.map(String).join(', ')}${c.attrs === undefined ? '' : `, attrs ${JSON.stringify(c.attrs)}`}`;

interface RowResult {
  row: string;
  expected: string;
  cases: number;
  /** Cases that showed the recorded bug, or the recorded approximation's slope error (see Approximation). */
  shown: number;
  misses: number;
  /**
   * How close the row came to the other verdict: for a pass, the largest share of its tolerance a
   * case's worst comparison used; for a bug shown by a failed comparison, the smallest multiple
   * of the tolerance by which a case failed.
   */
  margin: number | undefined;
  ms: number;
}

/** A pass that used more than this share of its tolerance, or a failure by less than this multiple of it, is marginal. */
const MARGINAL = { pass: 0.25, fail: 10 };

/** |analytic − numeric| over the tolerance of a report's worst comparison. */
const excess = (report: GradCheckReport) => (report.worst ? report.worst.absError / report.worst.tolerance : undefined);

const results: RowResult[] = [];

/**
 * One row's cases checked and held to the row's record: every case passes, or shows the recorded
 * bug (confirmed in float64), or — counted — is a miss of the float32 check. Throws with the case
 * otherwise.
 */
function audit(op: AuditedOp): RowResult {
  const name = rowName(op);
  const started = performance.now();
  const bug = op.bug;
  let [shown, misses, leaked] = [0, 0, 0];
  let margin: number | undefined;
  casesOf(op).forEach((c, i) => {
    const before = tf.memory().numTensors;
    const report = checkGradients(targetOf(op, c), c.inputs);
    leaked += tf.memory().numTensors - before;
    const used = excess(report);
    if (used !== undefined && report.ok === !bug) margin = bug ? Math.min(margin ?? Infinity, used) : Math.max(margin ?? 0, used);
    const replay = `\n  ${describeCase(c)}\n  ${report.message}`;
    if (!bug) {
      if (report.ok) return;
      const approximated = op.approximate && approximationShows(op, op.approximate, c, SEED + i);
      if (approximated !== true) throw new Error(`${name}: a false alarm — the gradient is right and the check says ${report.verdict}${approximated ? ` (${approximated})` : ''}${replay}`);
      shown++;
      return;
    }
    const shows = showsBug(report, op, bug);
    const confirmed = confirm(op, bug, c, SEED + i);
    if (shows === undefined) {
      // the check saw the bug: the float64 gradient must see it too
      if (confirmed === 'right') throw new Error(`${name}: the check failed where tfjs's gradient agrees with the float64 one${replay}`);
      shown++;
    } else if (report.ok && confirmed === 'wrong') {
      misses++;
      console.log(`audit: ${name} passed a case where tfjs's gradient is wrong (a miss of the float32 check)${replay}`);
    } else if (!(report.ok && confirmed === 'right' && bug.intermittent)) {
      throw new Error(`${name}: ${shows}, got ${report.verdict}${report.problem ? ` (${report.problem})` : ''} (float64 confirmation: ${confirmed})${replay}`);
    }
  });
  // counted around the checks only: plain tf.grads (the confirmation) leaks what a throwing backward saved
  expect(leaked, `${name}: tensors the checks left behind`).toBe(0);
  if (bug) {
    expect(shown, `${name}: no case showed the recorded bug`).toBeGreaterThan(0);
    expect(misses, `${name}: too many misses`).toBeLessThanOrEqual(Math.floor(MISSES_ALLOWED * RUNS));
  }
  const expected = bug ? `bug (${bug.shows.problem})` : op.approximate ? 'pass (approx.)' : 'pass';
  return { row: name, expected, cases: RUNS, shown, misses, margin, ms: performance.now() - started };
}

describe('the audit of every tfjs-core gradient', () => {
  test('covers every kernel with a registered gradient (the count and those left out are printed)', () => {
    const registered = registeredGradients();
    // the enumeration through the public API, against tfjs's own registry
    const registry = (globalThis as { _tfGlobals?: Map<string, Map<string, unknown>> })._tfGlobals?.get('gradRegistry');
    expect([...registry!.keys()].sort()).toEqual(registered);
    const covered = new Set(ROWS.filter((op) => op.source !== 'customGrad').map((op) => op.kernel));
    expect(registered.filter((kernel) => !covered.has(kernel) && !(kernel in LEFT_OUT)), 'kernels with a gradient and no row').toEqual([]);
    expect([...covered, ...Object.keys(LEFT_OUT)].filter((kernel) => !registered.includes(kernel)), 'rows for kernels without a registered gradient').toEqual([]);
    console.log(
      `tfjs-core ${tf.version_core}: ${registered.length} kernels with a registered gradient; ${covered.size} audited in ${ROWS.length - COMPOSITES.length} rows, ` +
        `plus ${COMPOSITES.length} tf.customGrad functions; left out:\n${Object.entries(LEFT_OUT).map(([kernel, why]) => `  ${kernel}: ${why}`).join('\n')}`,
    );
  });

  test('every registry row runs the kernel it audits', async () => {
    const astray: string[] = [];
    for (const op of ROWS.filter((row) => row.source !== 'customGrad')) {
      const c = casesOf(op)[0]!;
      const inputs = c.inputs.map((t, k) => tf.tensor(Array.from(t.data), [...t.shape], op.dtypes?.[k] ?? 'float32'));
      const { kernelNames } = await tf.profile(() => op.call(inputs, c.attrs));
      tf.dispose(inputs);
      if (!kernelNames.includes(op.kernel)) astray.push(`${rowName(op)} runs ${kernelNames.join(', ')}`);
    }
    expect(astray).toEqual([]);
  });

  test.each(ROWS.filter((op) => op.bug?.shows.problem !== 'hangs').map((op) => [rowName(op), op] as const))('%s', (_name, op) => {
    results.push(audit(op));
  });

  describe('broken twins: a row whose tfjs gradient is not what is recorded fails', () => {
    // tanh with its gradient 10% off, through tf.customGrad
    const off = tf.customGrad(((x: tf.Tensor) => ({ value: tf.tanh(x), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(tf.sub(1, tf.square(tf.tanh(x))), 1.1)) })) as any) as (x: tf.Tensor) => tf.Tensor;
    const tanh = ROWS.find((op) => op.kernel === 'Tanh')!;

    test('a gradient that breaks (recorded as passing) is a failure of the audit', () => {
      expect(() => audit({ ...tanh, variant: 'broken', call: ([x]) => off(x!) })).toThrow(/Tanh \(broken\): a false alarm — the gradient is right and the check says fail/);
    });

    // erf at a float32 value where the check resolves the approximation's slope error (2e-6 of it)
    const erf = ROWS.find((op) => op.kernel === 'Erf')!;
    const atResolved: AuditedOp = { ...erf, variant: 'at -0.156', sample: () => ({ inputs: [new Tensor(Float64Array.of(Math.fround(-0.15611588954925537)), [])] }) };

    test('a failure where the recorded approximation shows is counted as shown; the same row without the record raises a false alarm', () => {
      expect(audit(atResolved).shown).toBe(RUNS);
      const { approximate: _, ...unrecorded } = atResolved;
      expect(() => audit(unrecorded)).toThrow(/Erf \(at -0.156\): a false alarm — the gradient is right and the check says fail/);
    });

    test('a failure the recorded approximation does not explain is a false alarm still', () => {
      const tanh64: Approximation = {
        summary: 'tanh itself',
        forward64: ([x]) => new Tensor(x!.data.map(Math.tanh), x!.shape),
        gradient64: ([x], dy) => [new Tensor(x!.data.map((v, i) => (1 - Math.tanh(v) ** 2) * dy.data[i]!), x!.shape)],
      };
      expect(() => audit({ ...tanh, variant: 'broken, approximate', call: ([x]) => off(x!), approximate: tanh64 })).toThrow(/a false alarm .*\(tfjs's gradient is .* from the exact derivative recorded\)/);
    });

    test('a bug that is fixed (recorded, but the gradient is right) is a failure of the audit', () => {
      const fixed = { ...tanh, variant: 'fixed', bug: { ...KNOWN_BUGS.castToInt, forward64: ([x]: Tensor[]) => new Tensor(x!.data.map(Math.tanh), x!.shape) } };
      expect(() => audit(fixed)).toThrow(/Tanh \(fixed\): expected a failed comparison at input 0, got pass \(float64 confirmation: right\)/);
    });
  });

  test('a backward that never returns: its reproduction is stopped after 20 s (a backward takes milliseconds), though the forward returns', () => {
    for (const op of ROWS.filter((row) => row.bug?.shows.problem === 'hangs')) {
      const c = casesOf(op)[0]!;
      // the gradient exists: the float64 reimplementation has a finite one
      const truth = vjpByDifferences((xs) => op.bug!.forward64(xs, c.attrs), c.inputs, cotangent(op.bug!.forward64(c.inputs, c.attrs).shape, SEED), [0]);
      expect(truth[0]!.data.every(Number.isFinite)).toBe(true);
      const inputs = c.inputs.map((t) => tf.tensor(Float32Array.from(t.data), [...t.shape]));
      tf.dispose([op.call(inputs, c.attrs), ...inputs]); // the forward returns
      const setup = `import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu'; await tf.setBackend('cpu'); await (await import('./src/tfjs/index.ts')).tfjsReady();`;
      const backward = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${setup} ${op.bug!.reproduction}; console.log('returned');`], { timeout: 20_000, encoding: 'utf8' });
      expect(backward.signal, `${rowName(op)}: the backward returned`).toBe('SIGTERM');
    }
  }, 60_000);

  test('every reproduction in plain tfjs shows its bug', () => {
    for (const [name, bug] of Object.entries({ ...KNOWN_BUGS, ...FORWARD_BUGS }) as [string, Pick<KnownBug, 'reproduction' | 'right'> & { shows?: KnownBug['shows'] }][]) {
      if (bug.shows?.problem === 'hangs') continue;
      const run = new Function('tf', `return ${bug.reproduction}`) as (t: typeof tf) => number[];
      if (bug.shows?.problem === 'throws') {
        expect(() => tf.tidy(() => void run(tf)), name).toThrow();
        continue;
      }
      const got = tf.tidy(() => run(tf));
      expect(got.length, name).toBe(bug.right!.length);
      expect(Math.max(...got.map((v, i) => Math.abs(v - bug.right![i]!))), `${name}: tfjs gives ${JSON.stringify(got)}, right is ${JSON.stringify(bug.right)}`).toBeGreaterThan(1e-3);
    }
  });

  test('prints the table, and the rows that came close to the other verdict', () => {
    const width = Math.max(...results.map((r) => r.row.length));
    const margin = (r: RowResult) => (r.margin === undefined ? '·' : r.margin.toExponential(1));
    console.log(
      [
        `${'row'.padEnd(width)}  expected          cases  shown  misses  margin   ms`,
        ...results.map((r) => `${r.row.padEnd(width)}  ${r.expected.padEnd(16)}  ${String(r.cases).padStart(5)}  ${String(r.shown).padStart(5)}  ${String(r.misses).padStart(6)}  ${margin(r).padStart(7)}  ${r.ms.toFixed(0)}`),
      ].join('\n'),
    );
    const marginal = results.filter((r) => r.margin !== undefined && (r.expected === 'pass' ? r.margin > MARGINAL.pass : r.margin < MARGINAL.fail));
    console.log(`marginal rows (a pass above ${MARGINAL.pass} of its tolerance, a failure below ${MARGINAL.fail}× it): ${marginal.map((r) => `${r.row} ${margin(r)}`).join(', ') || 'none'}`);
  });
});
