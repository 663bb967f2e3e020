import { celEnv, parse, plan } from '@bufbuild/cel';
import { NAMING_CONVENTION } from '../../config/naming';

describe('the naming convention', () => {
  const names = ['team-x-w', 'team-x-web', 'team-x-x-1', 'team-x', 'team-x-', 'team-xweb', 'xteam-x-web', 'team-y-web', 'team-web', ''];

  it('accepts a name with the workspace and a dash before something, and nothing else', () => {
    expect(names.filter((name) => NAMING_CONVENTION.matches('team-x', name))).toEqual(['team-x-w', 'team-x-web', 'team-x-x-1']);
  });

  it('says the rule', () => {
    expect(NAMING_CONVENTION.describe('team-x')).toBe('names in workspace "team-x" must start with "team-x-"');
  });

  /** What Kyverno's CEL makes of `expression` for an object `name` in namespace `workspace`. */
  function kyverno(expression: string, workspace: string, name: string): unknown {
    return plan(celEnv(), parse(expression))({ object: { metadata: { name, namespace: workspace } } });
  }

  it('is the same rule in the cluster: the policy admits exactly the names synth accepts', () => {
    expect(names.filter((name) => kyverno(NAMING_CONVENTION.celExpression, 'team-x', name) === true)).toEqual(['team-x-w', 'team-x-web', 'team-x-x-1']);
  });

  it("says the same rule in the cluster's refusal", () => {
    expect(kyverno(NAMING_CONVENTION.celMessage, 'team-x', 'team-xweb')).toBe(NAMING_CONVENTION.describe('team-x'));
  });
});
