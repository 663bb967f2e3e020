// Preloaded with `node --require` (through NODE_OPTIONS, so it also reaches every Node process
// a benchmarked command starts, such as npx and the ts-node it runs) to record each process's
// peak resident set size. spawnSync reports no rusage, and GNU time is not installed everywhere.
// Plain JavaScript because Node loads it before any TypeScript loader exists.
'use strict';
const fs = require('fs');

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  // maxRSS is in KiB; one line per process, the benchmark keeps the largest.
  process.on('exit', () => fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
}
