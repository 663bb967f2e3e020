/** What no two teams may share: a hostname, and a SOPS data key (a Secret copied from another team). */
import { checkClaims, dataKeysOf, type ClaimRef, type TeamClaims } from '../../src/user-space/claims';

/** Where a claim is written, made up from the claim so that each message names its own. */
const locate = ({ team, kind, index }: ClaimRef) => ({ file: `user-space/${team}/${kind}.yaml`, line: index + 1, col: 1 });

const team = (name: string, claims: Partial<TeamClaims>): TeamClaims => ({ team: name, hosts: [], secrets: [], ...claims });

describe('checkClaims', () => {
  it("refuses another team's data key, naming the first Secret that used it", () => {
    const { problems } = checkClaims([team('team-a', { secrets: [['team-a-keys', ['k1', 'k2']]] }), team('team-b', { secrets: [['team-b-keys', ['k3', 'k2']]] })], locate);
    expect(problems).toEqual([
      {
        severity: 'error',
        location: { file: 'user-space/team-b/secret.yaml', line: 1, col: 1 },
        message: "Secret team-b-keys: it is encrypted with the same data key as team team-a's Secret team-a-keys at user-space/team-a/secret.yaml:1:1: a Secret copied from another team is refused; encrypt your own values",
      },
    ]);
  });

  it("lets a team use its own data key in more than one Secret (one file's overrides per cluster, say)", () => {
    expect(checkClaims([team('team-a', { secrets: [['team-a-keys', ['k1']], ['team-a-more', ['k1']]] })], locate).problems).toEqual([]);
  });

  it('refuses a hostname another application has, and lets the same application claim it on several clusters', () => {
    const { problems, refusedHosts } = checkClaims(
      [
        team('team-a', { hosts: [['shop.example.com', 'team-a/WebApplication/shop'], ['shop.example.com', 'team-a/WebApplication/shop']] }),
        team('team-b', { hosts: [['blog.example.com', 'team-b/WebApplication/blog'], ['shop.example.com', 'team-b/WebApplication/shop']] }),
      ],
      locate,
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      'host "shop.example.com" is already used by team-a WebApplication shop at user-space/team-a/host.yaml:1:1: hostnames are unique across teams and clusters',
    ]);
    expect(refusedHosts).toEqual([{ team: 'team-b', kind: 'host', index: 1 }]);
  });
});

describe('dataKeysOf', () => {
  it('identifies each age stanza by the SHA-256 of its encrypted data key, and skips what is not a stanza', () => {
    const keys = dataKeysOf({ sops: { age: [{ recipient: 'age1a', enc: 'one' }, null, 'two', { recipient: 'age1b' }, { enc: 'three' }] } });
    expect(keys).toEqual(['7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed', '8b5b9db0c13db24256c829aa364aa90c6d2eba318b9232a4ab9313b954d3555f']);
    expect(dataKeysOf({})).toEqual([]);
    expect(dataKeysOf({ sops: { age: 'not a list' } })).toEqual([]);
  });
});
