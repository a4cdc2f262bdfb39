#!/usr/bin/env node
// The gradprop command runs the build (dist/). The main process never loads a user's module: the
// worker processes do (src/cli/pool.ts), registering tsx there only for TypeScript modules.
const { main } = await import('../dist/cli/main.js');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Problems with the user's input are reported by main; anything reaching here is a gradprop bug,
  // and must not read as exit 1 ("a check failed").
  console.error(`gradprop: internal error — please report it with this trace:\n${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 2;
}
