/**
 * npm run test:package: gradprop as npm users meet it. Packs the tarball, installs it into fresh
 * projects (packaging/projects/*, copied to a temporary folder) and runs in each what a user would;
 * one line per scenario, and any failure fails the run. Consumers' dependencies come from the npm
 * registry, through the shared npm cache (--prefer-offline).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { must, repo, work } from './kit.js';
import { scenarios } from './scenarios.js';

/** Builds, then packs what `npm pack` would (its prepack would build again: once is enough). */
function pack(): string {
  must('npm', ['run', 'build'], repo);
  const output = must('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo);
  const [info] = JSON.parse(output) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const outside = info!.files.map((f) => f.path).filter((path) => !/^(dist\/|bin\/|README\.md$|LICENSE$|package\.json$)/.test(path));
  if (outside.length > 0) throw new Error(`the tarball holds files users do not need: ${outside.join(', ')}`);
  console.log(`packed ${info!.filename}: ${info!.files.length} files, ${(info!.size / 1024).toFixed(1)} kB (${(info!.unpackedSize / 1024).toFixed(0)} kB unpacked), only dist/, bin/, README.md, LICENSE, package.json`);
  return join(work, info!.filename);
}

// `npm run test:package -- 3 7` runs scenarios 3 and 7 only.
const only = process.argv.slice(2).map(Number);
let failures = 0;
try {
  const tarball = pack();
  for (const [i, scenario] of scenarios.entries()) {
    if (only.length > 0 && !only.includes(i + 1)) continue;
    const started = performance.now();
    let line: string;
    try {
      line = `✓ ${i + 1}. ${scenario.name}: ${scenario.run(tarball)}`;
    } catch (error) {
      failures++;
      line = `✗ ${i + 1}. ${scenario.name}: ${error instanceof Error ? error.message : String(error)}`;
    }
    console.log(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  if (failures === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`the projects are left in ${work}`);
}
process.exitCode = failures === 0 ? 0 : 1;
