import { describe, expect, test } from 'vitest';
import { availableParallelism } from 'node:os';
import { DEFAULT_LOAD_TIMEOUT, DEFAULT_RUNS, DEFAULT_SEED, DEFAULT_TIMEOUT, UsageError, parseCli } from './args.js';

const defaults = { runs: DEFAULT_RUNS, seed: DEFAULT_SEED, mode: 'auto', order: 1, reports: {}, power: false, timeout: DEFAULT_TIMEOUT, loadTimeout: DEFAULT_LOAD_TIMEOUT, workers: availableParallelism() };

const usage = (argv: string[]) => {
  try {
    parseCli(argv, {});
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parseCli accepted ${argv.join(' ')}`);
};

describe('parseCli', () => {
  test('verify is the default command, with the default runs, seed, mode, order, time limits and workers', () => {
    expect(parseCli([], {})).toEqual({ command: 'verify', options: defaults });
    expect(parseCli(['--version'], {})).toEqual({ command: 'version' });
    expect(parseCli(['--runs', '7'], { GRADPROP_SEED: '-5' })).toMatchObject({ command: 'verify', options: { runs: 7, seed: -5 } });
  });

  test('check takes modules and every option', () => {
    const argv = ['check', 'a.ts', 'b.js', '--seed', '9', '--mode', 'full', '--order', '2', '--filter', '^lay', '--law', 'isPure', '--shard', '2/3', '--path', '4:0:1', '--json', 'r.json', '--junit', '-', '--power', '--timeout', '2.5', '--load-timeout', '30', '--workers', '3'];
    expect(parseCli(argv, {})).toEqual({
      command: 'check',
      modules: ['a.ts', 'b.js'],
      options: {
        ...defaults,
        seed: 9,
        mode: 'full',
        order: 2,
        filter: '^lay',
        law: 'isPure',
        shard: { index: 2, count: 3 },
        path: '4:0:1',
        reports: { json: 'r.json', junit: '-' },
        power: true,
        timeout: 2.5,
        loadTimeout: 30,
        workers: 3,
      },
    });
  });

  test('bad use is a UsageError that says what was expected and what was given', () => {
    expect(usage(['--runs', '0'])).toBe("--runs must be an integer ≥ 1, got '0'");
    expect(usage(['--seed', '1.5'])).toBe("--seed must be an integer, got '1.5'");
    expect(usage(['--mode', 'slow'])).toBe("--mode must be auto, fast or full, got 'slow'");
    expect(usage(['--order', '3'])).toBe("--order must be 1 or 2, got '3'");
    expect(usage(['--shard', '4/3'])).toBe("--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/3; got '4/3'");
    expect(usage(['--timeout', '0'])).toBe("--timeout must be a number of seconds > 0, e.g. 30 or 0.5; got '0'");
    expect(usage(['--load-timeout', '1e3'])).toBe("--load-timeout must be a number of seconds > 0, e.g. 30 or 0.5; got '1e3'");
    expect(usage(['--workers', '0'])).toBe("--workers must be an integer ≥ 1, got '0'");
    expect(usage(['--path', '1:x'])).toBe("--path must be a fast-check path such as 3:0:1, got '1:x'");
    expect(usage(['--filter', '('])).toMatch(/^--filter must be a regular expression: /);
    expect(usage(['--shard'])).toMatch(/argument missing/);
    expect(usage(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(usage(['check'])).toMatch(/check needs at least one module/);
    expect(usage(['layer.ts'])).toMatch(/unknown command 'layer.ts'.*gradprop check layer\.ts/);
    expect(usage(['verify', 'layer.ts'])).toMatch(/verify takes no modules/);
    expect(usage(['verify', '--power'])).toMatch(/--power works with check/);
    expect(() => parseCli([], { GRADPROP_SEED: 'x' })).toThrow("GRADPROP_SEED must be an integer, got 'x'");
  });
});
