// Loaded with `--import` by packages/core/test/export/AppPipeline.sdk3.test.ts under Node 26: the in-repo build of
// @perfkit/core and the OpenTelemetry SDK 3 of tools/node26 (the monorepo itself runs SDK 2), without an install.
// Every `@opentelemetry/*` import or require resolves from tools/node26; `@perfkit/core` is packages/core/dist.
import { createRequire, registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const node26 = pathToFileURL(path.join(root, 'tools', 'node26', 'package.json')).href;
const requireFromNode26 = createRequire(path.join(root, 'tools', 'node26', 'package.json'));
const core = pathToFileURL(path.join(root, 'packages', 'core', 'dist', 'index.js')).href;

let isResolving = false;
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === '@perfkit/core') return { url: core, format: 'commonjs', shortCircuit: true };
    if (specifier.startsWith('@opentelemetry/')) {
      // require() resolves from the requiring file's folders whatever parentURL says, so resolve it here.
      if (context.conditions?.includes('require') && !isResolving) {
        isResolving = true; // requireFromNode26.resolve comes through this hook too
        try {
          return { url: pathToFileURL(requireFromNode26.resolve(specifier)).href, format: 'commonjs', shortCircuit: true };
        } finally {
          isResolving = false;
        }
      }
      return next(specifier, { ...context, parentURL: node26 });
    }
    return next(specifier, context);
  },
});
