import { NAMING_CONVENTION } from '../../config/naming';

describe('the naming convention', () => {
  const names = ['team-x-w', 'team-x-web', 'team-x-x-1', 'team-x', 'team-x-', 'team-xweb', 'xteam-x-web', 'team-y-web', 'team-web', ''];

  it('accepts a name with the workspace and a dash before something, and nothing else', () => {
    expect(names.filter((name) => NAMING_CONVENTION.matches('team-x', name))).toEqual(['team-x-w', 'team-x-web', 'team-x-x-1']);
  });

  it('says the rule', () => {
    expect(NAMING_CONVENTION.describe('team-x')).toBe('names in workspace "team-x" must start with "team-x-"');
  });
});
