import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs, positiveInteger, type CommandSpec } from '../src/cli/args';
import { CLUSTERS } from '../config/clusters';
import { ROOT } from '../src/paths';
import { measureCluster, renderCapacity } from './capacity-model';
import { generateTeams } from './generate-teams';

const DEFAULT_SIZES = [1000, 3000, 10000];

export const CAPACITY_COMMAND: CommandSpec = {
  name: 'capacity',
  summary:
    "Generates each number of teams, synthesizes them with the real synth, and reads the dist/ it wrote to print per cluster: reconciles per second per Flux shard, the Git artifact's size, objects per team, and the next limit, with the assumptions.",
  options: [{ flag: '--sizes', value: '<n,...>', description: 'Numbers of teams, one synth each.', default: DEFAULT_SIZES.join(',') }],
  examples: ['npm run capacity', 'npm run capacity -- --sizes 100  # a quick look'],
};

/** `mini-atlas capacity [--sizes ...]`: the capacity model of the README. */
export function runCapacity(args: string[]): number {
  const { values } = parseArgs(args, CAPACITY_COMMAND);
  const sizes = values.has('--sizes') ? values.get('--sizes')!.split(',').map((size) => positiveInteger('--sizes', size, CAPACITY_COMMAND)) : DEFAULT_SIZES;
  const rows = sizes.flatMap((teams) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-atlas-capacity-'));
    try {
      const { userSpace } = generateTeams(root, teams);
      const out = path.join(root, 'dist');
      const synth = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'mini-atlas.js'), 'synth', '--user-space', userSpace, '--out', out], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
      if (synth.status !== 0) throw new Error(`synth of ${teams} teams failed: ${synth.stderr.trim().split('\n').slice(0, 5).join('\n')}`);
      process.stderr.write(`capacity: synthesized ${teams} teams\n`);
      return CLUSTERS.map((cluster) => measureCluster(out, cluster, teams));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
  process.stdout.write(renderCapacity(rows, `npm run capacity -- --sizes ${sizes.join(',')}`));
  return 0;
}
