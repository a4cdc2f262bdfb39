// Resolves the extensionless relative imports of tfjs-core's ES module build (dist/*.js), which
// Node's ESM loader rejects: './gradients' → './gradients.js' (or './gradients/index.js').
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (parent.includes('/node_modules/@tensorflow/') && specifier.startsWith('.') && !/\.[cm]?js$/.test(specifier)) {
    for (const candidate of [`${specifier}.js`, `${specifier}/index.js`]) {
      const url = new URL(candidate, parent);
      if (existsSync(fileURLToPath(url))) return next(candidate, context);
    }
  }
  return next(specifier, context);
}
