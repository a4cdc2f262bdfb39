// npm run build: src/ → dist/ (ES modules, .d.ts, declaration maps) and dist/cjs/ (the same as
// CommonJS, for jest; see README, "CommonJS and one registry"). Both compile every file of src but
// the tests, so a new entry point needs no change here: only its block in package.json's exports.
// Neither compile type-checks (npm run typecheck does, over the whole repository).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project) {
  return new Promise((resolve, reject) => {
    spawn(process.execPath, [tsc, '-p', project], { stdio: 'inherit' }).on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -p ${project} exited with ${code}`)),
    );
  });
}

rmSync('dist', { recursive: true, force: true });
await Promise.all([compile('tsconfig.build.json'), compile('tsconfig.cjs.json')]);
// The package says "type": "module"; this marks the CommonJS build as CommonJS, for Node and tsc.
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
