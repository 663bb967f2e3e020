import * as fs from 'fs';
import { Spool } from '../../src/synth/spool';
import { tempDir } from '../helpers';

describe('the spool of rendered parts', () => {
  it("gives back what was put, lives in a folder named like the commands' other temporary folders, and removes it when closed", () => {
    const tmp = tempDir('spool-tmp');
    const spool = Spool.create(tmp);
    expect(fs.readdirSync(tmp)).toEqual([expect.stringMatching(/^mini-atlas-spool-/)]);
    const first = spool.put(Buffer.from('kind: Namespace\n'));
    const second = spool.put(Buffer.from('name: été\n'));
    expect(second).toEqual({ start: first.length, length: Buffer.byteLength('name: été\n') });
    expect(spool.read(second).toString('utf8')).toBe('name: été\n');
    expect(spool.read(first).toString('utf8')).toBe('kind: Namespace\n');
    spool.close();
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
