#!/usr/bin/env node
// gradprop runs from its TypeScript sources: tsx's loader compiles them on import. The worker
// processes that load a user's modules (src/cli/pool.ts) start with the same loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Problems with the user's input are reported by main; anything reaching here is a gradprop bug,
  // and must not read as exit 1 ("a check failed").
  console.error(`gradprop: internal error — please report it with this trace:\n${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 2;
}
