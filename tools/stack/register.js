// Lets the compiled services resolve the workspace's path aliases (@clarion/*) to the compiled
// libraries in dist/. The aliases are written once, in tsconfig.base.json's "paths" (where Nx's tools look for them too): tsconfig-paths reads
// them from there, and each target's .ts source is swapped for the .js that tsc put under dist/.
const path = require('node:path');
const { loadConfig, register } = require('tsconfig-paths');

const root = path.resolve(__dirname, '..', '..');
const config = loadConfig(root);
if (config.resultType !== 'success') throw new Error(`tools/stack/register.js: cannot read ${root}/tsconfig.json: ${config.message}`);

/** tsconfig's paths with each .ts target turned into the .js that tsc emits beside it. */
function compiledPaths(paths) {
  return Object.fromEntries(Object.entries(paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, '.js'))]));
}

register({ baseUrl: path.join(root, 'dist'), paths: compiledPaths(config.paths), addMatchAll: false });

module.exports = { compiledPaths };
