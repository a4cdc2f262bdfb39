#!/usr/bin/env node
// gradprop's sources, and the user's modules that `gradprop check` loads, are TypeScript: tsx's
// loader compiles them on import, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
