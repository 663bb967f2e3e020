import { spawnSync } from 'child_process';
import * as path from 'path';
import { CLUSTERS } from '../../config/clusters';

const BOOTSTRAP = path.resolve(__dirname, '..', '..', 'cluster', 'bootstrap.sh');

describe('cluster/bootstrap.sh', () => {
  it('names the known clusters for an unknown one, with exit 2, before it needs any tool', () => {
    const result = spawnSync('bash', [BOOTSTRAP, 'moon'], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } });
    expect(result.stderr).toBe(`bootstrap: unknown cluster "moon"; one of: ${CLUSTERS.map((cluster) => cluster.name).join(', ')} (declared in config/clusters.ts)\n`);
    expect(result.status).toBe(2);
  });
});
