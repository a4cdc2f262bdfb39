// npm run docs: the API reference, from the TSDoc comments of every entry point package.json
// exports, written to docs/api/ (not committed). An undocumented public export fails it.
import { readFileSync } from 'node:fs';

const { exports } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: Object.entries(exports)
    .filter(([entry]) => entry !== './package.json')
    .map(([, { import: esm }]) => esm.default.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')),
  tsconfig: './tsconfig.build.json',
  out: './docs/api',
  excludePrivate: true,
  excludeInternal: true,
  // A type that only spells out another (Inputs<N> as an N-tuple of tensors).
  intentionallyNotExported: ['TensorTuple'],
  // Every exported declaration; an interface's members are documented where their names do not say it all.
  requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias'],
  validation: { notExported: true, invalidLink: true, invalidPath: true, rewrittenLink: true, notDocumented: true, unusedMergeModuleWith: true },
  // No public repository yet to link a declaration's source to (a clone's remote may be anything or nothing).
  disableSources: true,
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
