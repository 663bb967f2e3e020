import { closest } from '../../src/user-space/suggest';

describe('"did you mean": the closest known name', () => {
  it('is the one known name within two edits, ignoring case', () => {
    expect(closest('replica', ['replicas', 'image', 'port'])).toBe('replicas');
    expect(closest('namespce', ['name', 'namespace'])).toBe('namespace');
    expect(closest('Imgae', ['image', 'port'])).toBe('image');
    expect(closest('prod', ['dev', 'prd'])).toBe('prd');
    expect(closest('xport', ['port', 'ports'])).toBe('port');
  });

  it('counts insertions, deletions and substitutions anywhere, the last letter too', () => {
    expect(closest('portsx', ['port', 'ports'])).toBe('ports');
    expect(closest('imagexy', ['image'])).toBe('image');
    expect(closest('imagexyz', ['image'])).toBeUndefined();
    expect(closest('abcd', ['abzz'])).toBe('abzz');
    expect(closest('abcd', ['azzz'])).toBeUndefined();
  });

  it('is none when nothing is within two edits, when two are equally close, or when nothing is known', () => {
    expect(closest('database', ['cache', 'topic'])).toBeUndefined();
    expect(closest('portz', ['port', 'ports'])).toBeUndefined();
    expect(closest('team-x-dc', ['team-x-db', 'team-x-dd'])).toBeUndefined();
    expect(closest('replicas', [])).toBeUndefined();
  });

  it('names a candidate listed twice once', () => {
    expect(closest('replica', ['replicas', 'replicas'])).toBe('replicas');
  });
});
