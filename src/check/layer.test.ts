import { describe, expect, test } from 'vitest';
import { Tensor, randn, tensor, zeros } from '../tensor/index.js';
import { type Layer, checkGradients, formatReport, fromLayer, isLayer } from './index.js';

/** tanh whose backward uses the output cached by forward, and clears it, as memory-careful layers do. */
class Tanh implements Layer {
  private y: Float64Array | null = null;
  forward(x: Tensor): Tensor {
    this.y = x.data.map(Math.tanh);
    return new Tensor(this.y.slice(), x.shape);
  }
  backward(dy: Tensor): Tensor {
    if (!this.y) throw new Error('backward without forward');
    const dx = new Tensor(dy.data.map((g, i) => g * (1 - this.y![i]! ** 2)), dy.shape);
    this.y = null;
    return dx;
  }
}

/** y = x·W + b, the cs231n affine layer: backward returns [dx, dW, db]; `sumBias: false` is its classic bug. */
class Affine implements Layer {
  private cache?: { x: Tensor; W: Tensor };
  constructor(private readonly sumBias = true) {}
  forward(x: Tensor, W: Tensor, b: Tensor): Tensor {
    this.cache = { x, W };
    const [n, d] = x.shape as [number, number];
    const m = W.shape[1]!;
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      let s = b.data[j]!;
      for (let k = 0; k < d; k++) s += x.data[i * d + k]! * W.data[k * m + j]!;
      out[i * m + j] = s;
    }
    return new Tensor(out, [n, m]);
  }
  backward(dout: Tensor): Tensor[] {
    const { x, W } = this.cache!;
    const [n, d] = x.shape as [number, number];
    const m = W.shape[1]!;
    const dx = new Float64Array(n * d);
    const dW = new Float64Array(d * m);
    const db = new Float64Array(m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const g = dout.data[i * m + j]!;
      if (this.sumBias || i === 0) db[j]! += g;
      for (let k = 0; k < d; k++) {
        dx[i * d + k]! += g * W.data[k * m + j]!;
        dW[k * m + j]! += x.data[i * d + k]! * g;
      }
    }
    return [new Tensor(dx, x.shape), new Tensor(dW, W.shape), new Tensor(db, [m])];
  }
}

const affineInputs = [randn([3, 4], 1), randn([4, 2], 2), randn([2], 3)];

describe('fromLayer: a layer with forward and backward, checked', () => {
  test('a correct layer passes, and its class names it', () => {
    const report = checkGradients(fromLayer(new Tanh()), [tensor([[0.3, -1.2], [2, 0.1]])]);
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.target).toBe('Tanh');
  });

  test('every vjp runs forward first, so a backward that clears its cache can be asked again and again', () => {
    const calls: string[] = [];
    const layer = new Tanh();
    const spied: Layer = { forward: (x) => (calls.push('forward'), layer.forward(x)), backward: (g) => (calls.push('backward'), layer.backward(g)) };
    const report = checkGradients(fromLayer(spied, { name: 'spied tanh' }), [tensor([0.5, -0.25, 1])], { mode: 'full' });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(calls.filter((c) => c === 'backward').length).toBeGreaterThan(1);
    calls.forEach((c, i) => c === 'backward' && expect(calls[i - 1]).toBe('forward'));
  });

  test('backward returning one gradient per input (x, W, b): a bias not summed over the batch is named', () => {
    expect(checkGradients(fromLayer(new Affine()), affineInputs).verdict).toBe('pass');
    const report = checkGradients(fromLayer(new Affine(false)), affineInputs);
    expect(report.verdict).toBe('fail');
    expect(report.worst).toMatchObject({ input: 2, quantity: 'vjp' });
    expect(report.message).toMatch(/^Affine: vjp wrong at input 2 at \[\d\]/);
  });

  test('a backward that returns only the differentiable inputs’ gradients has them placed; another count is named', () => {
    // rows of E picked by ids, scaled by 2: backward returns dE alone
    const lookup = (rows: Tensor, ids: Tensor) => ({
      forward: (E: Tensor, at: Tensor) => new Tensor(Float64Array.from(Array.from(at.data).flatMap((id) => [2 * E.data[id * 2]!, 2 * E.data[id * 2 + 1]!])), [at.size, 2]),
      backward: (g: Tensor) => {
        const dE = new Float64Array(rows.size);
        ids.data.forEach((id, r) => { dE[id * 2]! += 2 * g.data[r * 2]!; dE[id * 2 + 1]! += 2 * g.data[r * 2 + 1]!; });
        return new Tensor(dE, rows.shape);
      },
    });
    const E = randn([3, 2], 4);
    const ids = tensor([2, 0, 2]);
    expect(checkGradients(fromLayer(lookup(E, ids), { name: 'lookup', nondifferentiable: [1] }), [E, ids]).verdict).toBe('pass');
    const undeclared = checkGradients(fromLayer(lookup(E, ids), { name: 'lookup' }), [E, ids]);
    expect(undeclared).toMatchObject({ problem: 'gradient-count', message: 'lookup: vjp must return one gradient per input (2), got 1 gradients' });
  });

  test('the name: given, the layer’s own, its class’s, or "layer"', () => {
    const plain = { forward: (x: Tensor) => x, backward: (g: Tensor) => g };
    expect(fromLayer(plain).name).toBe('layer');
    expect(fromLayer({ ...plain, name: 'identity' }).name).toBe('identity');
    expect(fromLayer({ ...plain, name: '' }).name).toBe('layer');
    expect(fromLayer(new Tanh(), { name: 'mine' }).name).toBe('mine');
    expect(fromLayer(Object.assign(Object.create(null), plain)).name).toBe('layer');
  });

  test('isLayer: forward and backward methods, and no vjp', () => {
    expect(isLayer(new Tanh())).toBe(true);
    expect(isLayer({ forward: () => 0, backward: () => 0 })).toBe(true);
    expect(isLayer({ forward: () => 0, backward: () => 0, vjp: () => 0 })).toBe(false);
    expect(isLayer({ forward: () => 0 })).toBe(false);
    expect(isLayer({ backward: () => 0 })).toBe(false);
    expect(isLayer(undefined)).toBe(false);
    expect(isLayer({ forward: () => 0, backward: 1 })).toBe(false);
    expect(isLayer(null)).toBe(false);
    expect(isLayer(() => 0)).toBe(false);
    expect(isLayer(Object.assign(() => 0, { forward: () => 0, backward: () => 0 }))).toBe(true);
  });
});

/**
 * A dense layer that holds its weights and accumulates their gradients, as PyTorch-style modules
 * do (the caller zeroes them): backward returns dx and adds to dW, db. `sumBias: false` is the bug.
 */
class Dense {
  dW: Tensor;
  db: Tensor;
  private readonly affine: Affine;
  constructor(
    public W: Tensor,
    public b: Tensor,
    sumBias = true,
  ) {
    this.affine = new Affine(sumBias);
    this.dW = zeros(W.shape);
    this.db = zeros(b.shape);
  }
  forward(x: Tensor): Tensor {
    return this.affine.forward(x, this.W, this.b);
  }
  backward(dout: Tensor): Tensor {
    const [dx, dW, db] = this.affine.backward(dout);
    dW!.data.forEach((v, i) => (this.dW.data[i]! += v));
    db!.data.forEach((v, i) => (this.db.data[i]! += v));
    return dx!;
  }
}

describe('fromLayer with weights the layer holds ({ W: "dW", b: "db" })', () => {
  const [x, W, b] = affineInputs as [Tensor, Tensor, Tensor];
  const params = { W: 'dW', b: 'db' };

  test('the weights are checked as inputs after the layer’s own; gradients it accumulates are zeroed for each call', () => {
    const report = checkGradients(fromLayer(new Dense(W, b), { params }), [x, W, b], { mode: 'full' });
    expect(report.verdict, formatReport(report)).toBe('pass');
    const buggy = checkGradients(fromLayer(new Dense(W, b, false), { params }), [x, W, b]);
    expect(buggy.verdict).toBe('fail');
    expect(buggy.worst).toMatchObject({ input: 2, quantity: 'vjp' });
  });

  test('the layer is left as it was: its weights and gradients restored after every call', () => {
    const layer = new Dense(W, b);
    const [dW, db] = [layer.dW, layer.db];
    checkGradients(fromLayer(layer, { params }), [randn([3, 4], 7), randn([4, 2], 8), randn([2], 9)]);
    expect([layer.W, layer.b, layer.dW, layer.db]).toEqual([W, b, dW, db]);
    expect(layer.W).toBe(W);
    expect([...layer.dW.data]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('a layer whose forward takes nothing but its weights', () => {
    // out = W ⊙ W, a learned table read whole
    const table = {
      W: tensor([0.5, -2]),
      dW: tensor([0, 0]),
      forward(): Tensor {
        return new Tensor(this.W.data.map((v) => v * v), this.W.shape);
      },
      backward(g: Tensor): Tensor[] {
        this.dW = new Tensor(this.W.data.map((v, i) => 2 * v * g.data[i]!), this.W.shape);
        return [];
      },
    };
    expect(checkGradients(fromLayer(table, { name: 'table', params: { W: 'dW' } }), [tensor([1.5, 3])]).verdict).toBe('pass');
  });

  test('a weight field the layer does not have is refused, naming the fields it has; a gradient field backward never writes is named', () => {
    // a misspelt weight would be an input nothing depends on: its numeric and analytic gradients both 0
    expect(() => fromLayer(new Dense(W, b), { name: 'dense', params: { Q: 'dQ' } })).toThrow(
      /^fromLayer\(dense\): params names Q as weights, but the layer holds no tensor there \(it holds tensors in W, b, dW, db\)/,
    );
    const layer = new Dense(W, b);
    const report = checkGradients(fromLayer(layer, { name: 'dense', params: { W: 'dWeights', b: 'db' } }), [x, W, b]);
    expect(report).toMatchObject({ verdict: 'error', problem: 'throws' });
    expect(report.message).toMatch(/^dense: vjp threw RangeError: backward did not write dWeights, the field params names for the gradient of W/);
    // and the layer is left without the field it never had
    expect(Object.keys(layer)).not.toContain('dWeights');
  });

  test('fewer inputs than weights is named', () => {
    const report = checkGradients(fromLayer(new Dense(W, b), { name: 'dense', params }), [x]);
    expect(report.message).toBe("dense: forward threw RangeError: the inputs end with the layer's weights (W, b), but only 1 were given");
  });
});
