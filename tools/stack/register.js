// Lets the compiled services resolve the workspace's path aliases (@clarion/*) to the compiled
// libraries in dist/, exactly as tsconfig "paths" does at compile time.
const Module = require('node:module');
const path = require('node:path');

const dist = path.resolve(__dirname, '..', '..', 'dist');
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const m = /^@clarion\/([a-z-]+)$/.exec(request);
  if (m) return original.call(this, path.join(dist, 'libs', m[1], 'src', 'index.js'), ...rest);
  return original.call(this, request, ...rest);
};
