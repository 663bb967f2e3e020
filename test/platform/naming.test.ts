import { NAMING_CONVENTION } from '../../config/naming';

/** Kyverno's wildcards in a pattern string: `*` any run of characters, `?` exactly one. */
function kyvernoMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

describe('the naming convention', () => {
  const names = ['team-x-w', 'team-x-web', 'team-x-x-1', 'team-x', 'team-x-', 'team-xweb', 'xteam-x-web', 'team-y-web', 'team-web', ''];

  it('accepts a name with the workspace and a dash before something, and nothing else', () => {
    expect(names.filter((name) => NAMING_CONVENTION.matches('team-x', name))).toEqual(['team-x-w', 'team-x-web', 'team-x-x-1']);
  });

  it('is the rule Kyverno enforces in the cluster, name for name', () => {
    const pattern = NAMING_CONVENTION.kyvernoPattern.replace(/\{\{request\.namespace\}\}/g, 'team-x');
    expect(names.map((name) => [name, kyvernoMatches(pattern, name)])).toEqual(names.map((name) => [name, NAMING_CONVENTION.matches('team-x', name)]));
  });

  it('says the rule', () => {
    expect(NAMING_CONVENTION.describe('team-x')).toBe('names in workspace "team-x" must start with "team-x-"');
  });
});
