import * as fs from 'fs';
import { Spool, SPOOL_BATCH } from '../../src/synth/spool';
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

  it('writes what is put in batches of SPOOL_BATCH bytes, and what is read first when it is not written yet', () => {
    const spool = Spool.create(tempDir('spool-batches'));
    try {
      const half = Buffer.alloc(SPOOL_BATCH / 2, 'a');
      spool.put(half);
      expect(fs.statSync(spool.file).size).toBe(0);
      const second = spool.put(Buffer.alloc(SPOOL_BATCH / 2, 'b'));
      expect(fs.statSync(spool.file).size).toBe(SPOOL_BATCH);
      const third = spool.put(Buffer.from('kind: Namespace\n'));
      expect(fs.statSync(spool.file).size).toBe(SPOOL_BATCH);
      // What is written already is read without writing the rest.
      expect(spool.read(second)).toEqual(Buffer.alloc(SPOOL_BATCH / 2, 'b'));
      expect(fs.statSync(spool.file).size).toBe(SPOOL_BATCH);
      expect(spool.read(third).toString('utf8')).toBe('kind: Namespace\n');
      expect(fs.statSync(spool.file).size).toBe(SPOOL_BATCH + third.length);
      expect(spool.read(second)).toEqual(Buffer.alloc(SPOOL_BATCH / 2, 'b'));
    } finally {
      spool.close();
    }
  });

  it("hands what another thread put over to the spool's maker when that thread closes its end", () => {
    const maker = Spool.create(tempDir('spool-join'));
    try {
      const joined = Spool.join(maker.file);
      const first = joined.put(Buffer.from('kind: Namespace\n'));
      const second = joined.put(Buffer.from('kind: ConfigMap\n'));
      joined.close();
      expect(maker.read(second).toString('utf8')).toBe('kind: ConfigMap\n');
      expect(maker.read(first).toString('utf8')).toBe('kind: Namespace\n');
      expect(fs.existsSync(maker.file)).toBe(true);
    } finally {
      maker.close();
    }
    expect(fs.existsSync(maker.file)).toBe(false);
  });
});
