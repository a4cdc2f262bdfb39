/**
 * How a user checks a custom layer in their own vitest suite: one import registers the matcher,
 * and gradprop/arbitraries generates inputs. This file imports nothing else of gradprop.
 */
import { describe, expect, test } from 'vitest';
import 'gradprop/vitest';
import { tensorOf } from 'gradprop/arbitraries';
import fc from 'fast-check';
import { layerNorm } from './layernorm.js';
import { layerNormWithoutVarianceGradient } from './layernorm-buggy.js';

describe('layerNorm', () => {
  test('has correct gradients at inputs drawn from its domain', () => {
    expect(layerNorm).toHaveCorrectGradients();
  });

  test('has correct gradients at inputs I generate', () => {
    const batch = fc.integer({ min: 1, max: 4 }).chain((width) =>
      fc.tuple(tensorOf([3, width + 1]), tensorOf([width + 1], { min: 0.5, max: 2 }), tensorOf([width + 1])));
    expect(layerNorm).toHaveCorrectGradients(batch, { numRuns: 50 });
  });

  test('the twin that treats σ as a constant is caught, shrunk, and replayable', () => {
    const failure = () => expect(layerNormWithoutVarianceGradient).toHaveCorrectGradients();
    expect(failure).toThrow(/expected layerNorm \(σ treated as constant\) to have correct gradients, but vjp wrong at input 0 at \[/);
    expect(failure).toThrow(/counterexample \(after \d+ cases, shrunk \d+ times\): \[tensor\(/);
    expect(failure).toThrow(/replay: toHaveCorrectGradients\(undefined, \{ seed: -?\d+, path: "[\d:]+" \}\)/);
    expect(failure).toThrow(/toHaveCorrectGradients\(\[tensor\(\[\[.*\]\]\), tensor\(.*\), tensor\(.*\)\], \{ seed: \d+ \}\)/);
  });
});
