/**
 * vitest's global setup: examples, the README's blocks and the CLI's tests use gradprop by name,
 * which resolves to dist/. A dist/ older than src/ would test yesterday's code without a word; this
 * says so (a warning: tests of src/ alone do not need a build). `npm test` builds first.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

export default function freshBuild(): void {
  const stale = staleness();
  if (stale) console.warn(`gradprop: ${stale}; tests that use gradprop by name (examples, README blocks, the CLI) run the old build — npm run build`);
}

function staleness(): string | undefined {
  let built: number;
  try {
    built = statSync(join(repo, 'dist', 'cjs', 'package.json')).mtimeMs; // the build writes it last
  } catch {
    return 'dist/ is missing';
  }
  const newer = readdirSync(join(repo, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && statSync(join(repo, 'src', file)).mtimeMs > built,
  );
  return newer.length === 0 ? undefined : `dist/ is older than src/${newer[0]}${newer.length > 1 ? ` and ${newer.length - 1} more` : ''}`;
}
