// Preloaded with `node --require` (through NODE_OPTIONS, so it also reaches every Node process
// a benchmarked command starts, such as npx and the ts-node it runs) to record each process's
// peak resident set size and CPU time. spawnSync reports no rusage, and GNU time is not
// installed everywhere. Plain JavaScript because Node loads it before any TypeScript loader.
'use strict';
const fs = require('fs');

const file = process.env.BENCH_PEAK_RSS_FILE;
// A worker thread runs the preloaded modules too, and its process is the same: only the main
// thread records, at the process's end, the CPU time of every thread.
if (file && require('worker_threads').isMainThread) {
  // One line per process: peak RSS in KiB, then user + system CPU in microseconds (all threads).
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    fs.appendFileSync(file, `${maxRSS} ${userCPUTime + systemCPUTime}\n`);
  });
}
