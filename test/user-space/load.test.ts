import * as path from 'path';
import { loadUserSpace, locateField, sourceOf, type Instance } from '../../src/user-space';
import { removeFixtures, ROOT, UserSpaceFixture, webApplication, workspace, writeTeams } from './helpers';

afterAll(removeFixtures);

/** Teams whose folders are made out of name order, so that only sorting puts them in order. */
function unorderedTeams(): UserSpaceFixture {
  const fixture = writeTeams();
  for (const team of ['team-q', 'team-c', 'team-x', 'team-m', 'team-e', 'team-v']) fixture.write({ [`${team}/workspace.yaml`]: workspace(team) });
  return fixture;
}

describe('the teams loaded', () => {
  it('are in name order, whatever order the folders are listed in', () => {
    expect(unorderedTeams().load().teams).toEqual(['team-c', 'team-e', 'team-m', 'team-q', 'team-v', 'team-x']);
  });

  it("include a pending file's team folder, which does not exist yet, in name order", () => {
    const fixture = unorderedTeams();
    const pending = { path: path.join(fixture.dir, 'team-a', 'workspace.yaml'), text: workspace('team-a') };
    expect(loadUserSpace({ root: ROOT, userSpaceDir: fixture.dir, pending }).teams).toEqual(['team-a', 'team-c', 'team-e', 'team-m', 'team-q', 'team-v', 'team-x']);
  });

  it('take no team from a pending file below a team folder: its cluster folder is no team', () => {
    const fixture = unorderedTeams();
    const pending = { path: path.join(fixture.dir, 'team-c', 'clusters', 'prd', 'web.yaml'), text: webApplication('team-c', 'web', 'web.example.com') };
    expect(loadUserSpace({ root: ROOT, userSpaceDir: fixture.dir, pending }).teams).toEqual(['team-c', 'team-e', 'team-m', 'team-q', 'team-v', 'team-x']);
  });

  it('are in name order when only some are asked for, in any order', () => {
    const fixture = unorderedTeams();
    const only = ['team-x', 'team-c', 'team-q/workspace.yaml'].map((target) => path.join(fixture.dir, target));
    expect(loadUserSpace({ root: ROOT, userSpaceDir: fixture.dir, only }).teams).toEqual(['team-c', 'team-q', 'team-x']);
  });
});

describe('where an instance was declared', () => {
  const fixture = writeTeams({
    'team-x/workspace.yaml': workspace('team-x'),
    'team-x/web.yaml': `# the team's web front\n${webApplication('team-x', 'web', 'web.example.com')}`,
    'team-x/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata:\n  name: team-x-web\nspec:\n  replicas: 4\n',
  });
  const webOn = (cluster: string): Instance => fixture.load().teamsFor(cluster)[0].instances[0];
  const at = (line: number, col: number) => ({ file: `${fixture.rel}/team-x/web.yaml`, line, col });

  it('is its base document, with or without a cluster override', () => {
    expect(sourceOf(webOn('dev'))).toEqual(at(2, 1));
    expect(sourceOf(webOn('prd'))).toEqual(at(2, 1));
  });

  it("is, for a field, the override where the override sets it, else the base document; the name is always the base document's", () => {
    expect(locateField(webOn('prd'), ['spec', 'replicas'])).toEqual({ file: `${fixture.rel}/team-x/clusters/prd/web.yaml`, line: 6, col: 13 });
    expect(locateField(webOn('prd'), ['spec', 'image'])).toEqual(at(8, 10));
    // The override names the instance too, but only to say which one it overrides.
    expect(locateField(webOn('prd'), ['metadata', 'name'])).toEqual(at(5, 9));
    expect(locateField(webOn('dev'), ['metadata', 'name'])).toEqual(at(5, 9));
  });
});
