/**
 * How a tfjs user checks a custom layer: with the vitest matcher, and with `gradprop check` in CI.
 * The Swish layer passes both; its twin that drops β from dx fails both, named at x — though it
 * passes at the weights it starts from (β = 1), where the slip changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import 'gradprop/vitest';
import { randn } from 'gradprop';
import { swish } from './swish.js';
import { swishWithoutBetaInDx } from './swish-buggy.js';

describe('a custom tfjs layer with tf.customGrad', () => {
  test('Swish has correct gradients over inputs and slopes drawn from its domain', () => {
    expect(swish).toHaveCorrectGradients(undefined, { numRuns: 30 });
  });

  test('the twin passes at its initial slope β = 1, where dropping β changes nothing…', () => {
    expect(swishWithoutBetaInDx).toHaveCorrectGradients([randn([2, 3], 1), ...swishWithoutBetaInDx.weights()]);
  });

  test('…and fails over drawn slopes, at the entries of x', () => {
    expect(() => expect(swishWithoutBetaInDx).toHaveCorrectGradients(undefined, { numRuns: 30 })).toThrow(/expected SwishWithoutBetaInDx swishWithoutBetaInDx to have correct gradients, but vjp wrong at input 0 at \[/);
  });

  test('gradprop check passes the layer and fails its twin, naming it', () => {
    const run = spawnSync(process.execPath, ['bin/gradprop.js', 'check', 'examples/tfjs/swish.ts', 'examples/tfjs/swish-buggy.ts', '--runs', '20'], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^swish +gradientsMatchFiniteDifferences +20 +PASS/m);
    expect(run.stdout).toContain('examples/tfjs/swish-buggy.ts, export swishWithoutBetaInDx: gradientsMatchFiniteDifferences fails: vjp wrong at input 0 at [');
  }, 120_000);
});
