#!/usr/bin/env node
// The gradprop command runs the build (dist/). tsx is registered for one reason: `gradprop check`
// loads the user's modules, and those may be TypeScript; the library itself never loads tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../dist/cli/main.js');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Problems with the user's input are reported by main; anything reaching here is a gradprop bug,
  // and must not read as exit 1 ("a check failed").
  console.error(`gradprop: internal error — please report it with this trace:\n${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 2;
}
