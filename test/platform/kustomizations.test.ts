import * as path from 'path';
import { parse } from 'yaml';
import { CLUSTERS } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { ROOT } from '../../src/paths';
import { renderCluster } from '../../src/synth/render';
import { loadUserSpace } from '../../src/user-space';
import { some } from '../helpers';

/**
 * The `resources` of every kustomization.yaml that Flux reads, by the folder it is in (bootstrap/
 * is bootstrap.sh's, which downloads what its kustomization lists).
 */
function kustomizations(files: ReadonlyMap<string, string>): Map<string, string[]> {
  return new Map([...files].filter(([file]) => path.posix.basename(file) === 'kustomization.yaml' && !file.includes('/bootstrap/')).map(([file, content]) => [path.posix.dirname(file), parse(content).resources as string[]]));
}

describe.each(CLUSTERS)("the kustomize configs of $name's layers", (cluster) => {
  const render = (withTeams: boolean) => renderCluster(cluster, withTeams ? loadUserSpace({ root: ROOT }).teamsFor(cluster.name) : []).files;

  it.each([true, false])('list only files that exist beside them (with the example teams: %s)', (withTeams) => {
    const files = render(withTeams);
    for (const [folder, resources] of some(kustomizations(files))) {
      for (const resource of resources) expect({ folder, resource, exists: files.has(`${folder}/${resource}`) }).toEqual({ folder, resource, exists: true });
    }
  });

  it("apply the teams' access as the platform, and never a team's instances, which the team's own Kustomization applies as the team", () => {
    const files = render(true);
    const tenants = `${cluster.name}/tenants`;
    const listed = kustomizations(files).get(tenants)!;
    expect(listed).toContain(PLATFORM.dist.tenantAccessFile);
    const teamFolders = new Set([...files.keys()].filter((file) => file.startsWith(`${tenants}/`) && file.endsWith(`/${PLATFORM.dist.instancesFile}`)).map((file) => path.posix.dirname(file)));
    expect(some(teamFolders).length).toBeGreaterThan(0);
    for (const resource of listed) expect(resource).not.toContain('/');
    // A team's folder has no kustomization.yaml of its own: its Kustomization applies what is there.
    for (const folder of teamFolders) expect(files.has(`${folder}/kustomization.yaml`)).toBe(false);
  });
});
