/**
 * Square matrix products, n × n times n × n (2n³ floating-point operations): gradprop's matmul op
 * in float64, against tfjs-cpu's matMul in float32, in alternation.
 */
import type * as tfTypes from '@tensorflow/tfjs-core';
import { matmul } from '../src/ops/index.js';
import { randn } from '../src/tensor/index.js';
import { type AlternateOptions, alternate, formatMs, table } from './measure.js';
import { toTf } from './tfjs-models.js';

export interface MatmulRow {
  n: number;
  gradprop: { ms: number; gflops: number };
  tfjs: { ms: number; gflops: number };
}

export function benchMatmul(tf: typeof tfTypes, sizes: readonly number[], options: AlternateOptions = {}, log = console.log): MatmulRow[] {
  return sizes.map((n) => {
    const a = randn([n, n], 1);
    const b = randn([n, n], 2);
    const ta = toTf(a);
    const tb = toTf(b);
    try {
      const t = alternate(
        [
          { name: 'gradprop', run: () => matmul(a, b) },
          { name: 'tfjs', run: () => tf.tidy(() => tf.matMul(ta, tb).dataSync()) },
        ],
        options,
      );
      const flops = 2 * n ** 3;
      const of = (ms: number) => ({ ms, gflops: flops / (ms * 1e6) });
      const row = { n, gradprop: of(t.gradprop!.median), tfjs: of(t.tfjs!.median) };
      log(`  n=${n}: gradprop ${row.gradprop.gflops.toFixed(2)} GFLOP/s, tfjs ${row.tfjs.gflops.toFixed(2)} GFLOP/s`);
      return row;
    } finally {
      ta.dispose();
      tb.dispose();
    }
  });
}

export function matmulTable(rows: readonly MatmulRow[]): string {
  return table(
    ['n', 'gradprop (float64)', 'GFLOP/s', 'tfjs-cpu (float32)', 'GFLOP/s', 'gradprop/tfjs'],
    rows.map((r) => [
      String(r.n),
      formatMs(r.gradprop.ms),
      r.gradprop.gflops.toFixed(2),
      formatMs(r.tfjs.ms),
      r.tfjs.gflops.toFixed(2),
      `${(r.gradprop.gflops / r.tfjs.gflops).toFixed(1)}×`,
    ]),
  );
}
