/**
 * npm run test:seeds: npm test's suites (the property suites, and the unit tests that draw with
 * fast-check too) and the mutant corpus's (npm run test:mutants) once per fast-check seed,
 * GRADPROP_SEED = 1 … 20 by default (`-- --from 5 --to 9` for others), one seed after another
 * (vitest already spreads a seed's files over the cores).
 * Prints each seed's result and the tests it failed, with how to replay them; exits 1 when any
 * seed failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

interface VitestJson {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

const { values } = parseArgs({ options: { from: { type: 'string', default: '1' }, to: { type: 'string', default: '20' } } });
const [from, to] = [Number(values.from), Number(values.to)];
if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
  console.error(`test:seeds: --from and --to must be whole numbers, from ≤ to; got ${values.from} and ${values.to}`);
  process.exit(2);
}

/** npm test's configuration, and the mutant corpus's (too long for npm test, see vitest.mutants.config.ts). */
const CONFIGS = ['vitest.config.ts', 'vitest.mutants.config.ts'];

const scratch = mkdtempSync(join(tmpdir(), 'gradprop-seeds-'));

/** The tests one configuration's suites fail at a seed, each named by file; what went wrong where vitest did not report. */
function failuresAt(seed: number, config: string): string[] {
  const output = join(scratch, `seed-${seed}-${config}.json`);
  const run = spawnSync('npx', ['vitest', 'run', '--config', config, '--reporter=json', `--outputFile=${output}`], {
    env: { ...process.env, GRADPROP_SEED: String(seed) },
    encoding: 'utf8',
  });
  let failures: string[];
  try {
    const results = JSON.parse(readFileSync(output, 'utf8')) as VitestJson;
    const replay = config === CONFIGS[0] ? '' : ` (--config ${config})`;
    failures = results.testResults.flatMap((file) => file.assertionResults.filter((t) => t.status === 'failed').map((t) => `${relative(process.cwd(), file.name)}${replay}: ${t.fullName}`));
  } catch {
    failures = [`vitest --config ${config} did not report (exit ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' / ')}`];
  }
  return run.status !== 0 && failures.length === 0 ? [`vitest --config ${config} exited ${run.status}`] : failures;
}

const failed: number[] = [];
const started = performance.now();
for (let seed = from; seed <= to; seed++) {
  const began = performance.now();
  const failures = CONFIGS.flatMap((config) => failuresAt(seed, config));
  const seconds = ((performance.now() - began) / 1000).toFixed(0);
  console.log(`GRADPROP_SEED=${seed}: ${failures.length === 0 ? 'pass' : `FAIL (${failures.length})`} in ${seconds} s`);
  for (const failure of failures) console.log(`    ${failure}`);
  if (failures.length > 0) failed.push(seed);
}
rmSync(scratch, { recursive: true, force: true });
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.log(
  failed.length === 0
    ? `test:seeds: every seed from ${from} to ${to} passes (${minutes} min)`
    : `test:seeds: seeds ${failed.join(', ')} fail (${minutes} min) — replay one with GRADPROP_SEED=<seed> npx vitest run [--config <config>] <file>`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
