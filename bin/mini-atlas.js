#!/usr/bin/env node
// Runs a mini-atlas command straight from its TypeScript sources. esbuild bundles src/cli/main.ts
// (type-checking is the job of `npm test` and CI, not of every synth) and the bundle is reused
// until one of its inputs changes, so a synth pays neither for tsc nor for a rebuild.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, '.build');
const bundle = path.join(outDir, 'cli.js');
const metafile = path.join(outDir, 'cli.meta.json');

function isFresh() {
  let builtAt;
  try {
    builtAt = fs.statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  let inputs;
  try {
    inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, 'utf8')).inputs);
  } catch {
    return false;
  }
  return inputs.every((input) => {
    try {
      return fs.statSync(path.join(root, input)).mtimeMs <= builtAt;
    } catch {
      return false;
    }
  });
}

function build() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outfile: bundle,
    metafile: true,
    sourcemap: 'inline',
    logLevel: 'error',
  });
  fs.writeFileSync(metafile, JSON.stringify(result.metafile));
}

if (!isFresh()) build();
require(bundle);
