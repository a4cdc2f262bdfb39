import { describe, expect, it } from 'vitest';
import { scalar, tensor, zeros } from '../tensor/index.js';
import { kinkLabel, labels, magnitudeLabel, shapeLabel, signLabel } from './labels.js';

describe('labels', () => {
  it('sign: over every entry of every input', () => {
    expect(signLabel([tensor([1, 2]), scalar(3)])).toBe('all positive');
    expect(signLabel([tensor([-1, -2])])).toBe('all negative');
    expect(signLabel([tensor([1]), tensor([-2])])).toBe('mixed');
    expect(signLabel([tensor([1, -2, 0])])).toBe('has zero');
    expect(signLabel([tensor([-0])])).toBe('has zero');
  });

  it('magnitude: by the largest |x|, bands closed at their upper end', () => {
    expect(magnitudeLabel([tensor([1e-4, -9e-4])])).toBe('<1e-3');
    expect(magnitudeLabel([tensor([1e-3])])).toBe('1e-3..1');
    expect(magnitudeLabel([tensor([0.1, -1])])).toBe('1e-3..1');
    expect(magnitudeLabel([tensor([0.1]), tensor([-1000])])).toBe('1..1e3');
    expect(magnitudeLabel([tensor([1e3 + 1])])).toBe('>1e3');
    expect(magnitudeLabel([tensor([Number.NaN, 0])])).toBe('>1e3');
  });

  it('shape: a size-1 axis first, then by the largest rank', () => {
    expect(shapeLabel([scalar(1), scalar(2)])).toBe('scalar');
    expect(shapeLabel([zeros([3]), scalar(2)])).toBe('vector');
    expect(shapeLabel([zeros([2, 3])])).toBe('matrix');
    expect(shapeLabel([zeros([2, 2, 2])])).toBe('rank>=3');
    expect(shapeLabel([zeros([2, 2, 2]), zeros([4, 1])])).toBe('has size-1 dim');
  });

  it('kink: the distance to the nearest kink of the input it belongs to', () => {
    const inputs = [tensor([0.5, 2]), tensor([1e-7, 3])];
    expect(kinkLabel(inputs, [])).toBe('far');
    expect(kinkLabel(inputs, [{ input: 0, at: 2 }])).toBe('at kink');
    expect(kinkLabel(inputs, [{ input: 1, at: 0 }])).toBe('<1e-6');
    expect(kinkLabel(inputs, [{ input: 0, at: 0.5005 }])).toBe('<1e-3');
    expect(kinkLabel(inputs, [{ input: 0, at: 0 }])).toBe('far');
  });

  it('all four at once', () => {
    expect(labels([tensor([[-1, 0.25]])], [{ input: 0, at: 0 }])).toEqual({ sign: 'mixed', magnitude: '1e-3..1', shape: 'has size-1 dim', kink: 'far' });
  });
});
