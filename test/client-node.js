/**
 * @kubernetes/client-node 2.x is an ES module, which Jest's CommonJS runtime cannot load; jest.config.js
 * maps it here so that tests run status, logs, dashboard and kubeconfig in their own process (where
 * Stryker sees which test covers what). esbuild bundles the package into CommonJS once per
 * version, as bin/mini-atlas.js bundles it into each command.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@kubernetes', 'client-node', 'package.json'), 'utf8'));
const bundle = path.join(ROOT, '.build', 'jest', `client-node-${version}.cjs`);

if (!fs.existsSync(bundle)) {
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  // Jest's workers may build it at the same time: each writes its own file, and the rename is atomic.
  const partial = `${bundle}.${process.pid}`;
  require('esbuild').buildSync({
    stdin: { contents: "export * from '@kubernetes/client-node';", resolveDir: ROOT },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: partial,
    logLevel: 'error',
  });
  fs.renameSync(partial, bundle);
}

// Node 22 gives Symbol.dispose to its own realm only (Node 24's V8 has it everywhere): Jest's VM
// context lacks it, and the undici bundled here disposes of its abort listeners through it.
if (Symbol.dispose === undefined) {
  const disposable = require('events').addAbortListener(new AbortController().signal, () => undefined);
  // Node 22 names it nodejs.dispose; it is the disposable's only key.
  const dispose = Object.getOwnPropertySymbols(disposable).find((symbol) => typeof disposable[symbol] === 'function');
  Object.defineProperty(Symbol, 'dispose', { value: dispose });
  disposable[dispose]();
}

module.exports = require(bundle);
