#!/usr/bin/env node
// Runs a mini-atlas command straight from its TypeScript sources: `mini-atlas <command> [args]`
// runs src/cli/commands/<command>.ts. esbuild bundles that one command (type-checking is the job
// of `npm test` and CI, not of every synth) and the bundle is reused until one of its inputs
// changes, so a synth pays neither for tsc nor for a rebuild, nor loads other commands' code.
'use strict';
const fs = require('fs');
const path = require('path');

// Node 22.19 is the oldest that every dependency supports (package.json's engines); older ones
// fail deep inside a dependency, so say it here in one sentence.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`mini-atlas: Node.js ${process.versions.node} is too old; use Node.js 22 (22.19 or later) or 24, e.g. \`nvm install\` in the repository (it reads .nvmrc)\n`);
  process.exit(2);
}

const root = path.resolve(__dirname, '..');
const commandsDir = path.join(root, 'src', 'cli', 'commands');
const [command, ...args] = process.argv.slice(2);
const commands = fs.readdirSync(commandsDir).map((file) => file.replace(/\.ts$/, '')).sort();
const usage = `usage: mini-atlas <command> [options], or npm run <command> -- [options]\ncommands: ${commands.join(', ')}\n\`mini-atlas <command> --help\` describes each.\n`;
if (command === '--help' || command === '-h') {
  process.stdout.write(usage);
  process.exit(0);
}
if (!commands.includes(command)) {
  process.stderr.write(`mini-atlas: unknown command "${command ?? ''}"\n${usage}`);
  process.exit(2);
}
const outDir = path.join(root, '.build');
const bundle = path.join(outDir, `${command}.js`);
const metafile = path.join(outDir, `${command}.meta.json`);

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
    entryPoints: [`src/cli/commands/${command}.ts`],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // Packages are bundled too: one file loads faster than hundreds of small ones. esbuild stays
    // external because commands call it at run time to compile their caches.
    external: ['esbuild'],
    outfile: bundle,
    metafile: true,
    logLevel: 'error',
  });
  fs.writeFileSync(metafile, JSON.stringify(result.metafile));
}

if (!isFresh()) build();
// V8 compiles the bundle (a few megabytes) on every run unless its code is cached: Node keeps
// the compiled code in .build/compile-cache/ and checks it against the bundle's content.
require('module').enableCompileCache?.(path.join(outDir, 'compile-cache'));
// The command reads its own arguments from process.argv, without the command name.
process.argv = [process.argv[0], bundle, ...args];
require(bundle);
