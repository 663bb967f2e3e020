import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../../src/paths';
import { synthesize } from '../../src/synth/command';
import { readTree, tempDir } from '../helpers';

// A chart that throws for the second cluster, after the first has rendered: nothing may reach the disk.
jest.mock('../../charts/shared-resources', () => {
  const actual = jest.requireActual('../../charts/shared-resources');
  return {
    ...actual,
    SharedResourcesChart: class extends actual.SharedResourcesChart {
      constructor(scope: unknown, id: string, props: { cluster: { name: string } }) {
        if (props.cluster.name === 'prd' && process.env.EXPLODE === 'yes') throw new Error('chart exploded');
        super(scope, id, props);
      }
    },
  };
});

describe('a chart that throws', () => {
  afterEach(() => delete process.env.EXPLODE);

  it('leaves the output folder and CODEOWNERS byte-for-byte as they were', () => {
    const out = tempDir('untouched');
    const codeOwnersFile = path.join(tempDir('codeowners'), 'CODEOWNERS');
    const userSpaceDir = path.join(ROOT, 'user-space');
    synthesize({ userSpaceDir, out, codeOwnersFile });
    const before = readTree(out);
    fs.rmSync(path.join(out, 'dev', 'abstractions'), { recursive: true });
    fs.writeFileSync(codeOwnersFile, '* @someone-else\n');
    const damaged = readTree(out);
    process.env.EXPLODE = 'yes';
    expect(() => synthesize({ userSpaceDir, out, codeOwnersFile })).toThrow('chart exploded');
    expect(fs.readFileSync(codeOwnersFile, 'utf8')).toBe('* @someone-else\n');
    expect(readTree(out)).toEqual(damaged);
    expect(damaged.size).toBeLessThan(before.size);
    expect(fs.readdirSync(path.dirname(out)).filter((name) => name.startsWith(`${path.basename(out)}.`))).toEqual([]);
  });
});
