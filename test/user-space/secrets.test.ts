import * as fs from 'fs';
import * as path from 'path';
import { dump, load } from 'js-yaml';
import { decryptSops } from 'sops-age';
import { CLUSTERS, findCluster } from '../../config/clusters';
import { ageKeyPair, secret, sopsEncrypt } from '../sops/sops';
import { makeTempDir, removeFixtures, ReportedProblem, ROOT, runInProcess, webApplication, workspace, writeTeams } from './helpers';

afterAll(removeFixtures);

const dev = findCluster('dev')!.sops.ageRecipient;
const prd = findCluster('prd')!.sops.ageRecipient;
const EVERY_CLUSTER = CLUSTERS.map((cluster) => cluster.sops.ageRecipient);
const PLAINTEXT = 'sk_test_do-not-leak-4242';
const TEAM_X = { 'team-x/workspace.yaml': workspace('team-x') };
const KEYS = { 'team-x/keys.yaml': sopsEncrypt(secret('team-x-api-keys', { stripe: PLAINTEXT, github: 'ghp_also-secret' }), EVERY_CLUSTER) };

function error(at: string, message: string): ReportedProblem {
  return { at, severity: 'error', message };
}

describe('the test encryptor', () => {
  it('writes real SOPS: an independent implementation (sops-age) decrypts it with the private key', async () => {
    const { identity, recipient } = ageKeyPair();
    const encrypted = sopsEncrypt(secret('team-x-api-keys', { stripe: PLAINTEXT }), [recipient]);
    expect(encrypted).not.toContain(PLAINTEXT);
    expect(encrypted).toMatch(/stripe: ENC\[AES256_GCM,data:/);
    const decrypted = await decryptSops(encrypted, { fileType: 'yaml', secretKey: identity });
    expect(decrypted).toEqual(secret('team-x-api-keys', { stripe: PLAINTEXT }));
    await expect(decryptSops(encrypted, { fileType: 'yaml', secretKey: ageKeyPair().identity })).rejects.toThrow();
  });
});

describe('team Secrets', () => {
  it('accepts a Secret SOPS-encrypted for every cluster, and passes it on to each cluster as committed', () => {
    const userSpace = writeTeams({ ...TEAM_X, ...KEYS }).load();
    expect(userSpace.problems).toEqual([]);
    for (const cluster of CLUSTERS) {
      const [team] = userSpace.teamsFor(cluster.name);
      expect(team.secrets.map((s) => [s.name, s.keys])).toEqual([['team-x-api-keys', ['stripe', 'github']]]);
      expect(team.secrets[0].document).toEqual(load(KEYS['team-x/keys.yaml']));
    }
  });

  it('refuses plain values naming the file, the Secret and the key, never the value', () => {
    const plain = 'apiVersion: v1\nkind: Secret\nmetadata: {name: team-x-api-keys}\nstringData:\n  stripe: ' + PLAINTEXT + '\ndata:\n  token: c2VjcmV0\n';
    const fixture = writeTeams({ ...TEAM_X, 'team-x/keys.yaml': plain });
    const problems = fixture.problems();
    const howTo = 'encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)';
    expect(problems).toEqual([
      error('team-x/keys.yaml:1:1', `Secret team-x-api-keys: it is not SOPS-encrypted (no sops metadata): ${howTo}`),
      error('team-x/keys.yaml:5:11', `Secret team-x-api-keys: stringData.stripe is not SOPS-encrypted (the value is not shown): ${howTo}`),
      error('team-x/keys.yaml:7:10', `Secret team-x-api-keys: data.token is not SOPS-encrypted (the value is not shown): ${howTo}`),
    ]);
    expect(JSON.stringify(problems)).not.toContain(PLAINTEXT);
    expect(JSON.stringify(problems)).not.toContain('c2VjcmV0');
  });

  it('refuses a Secret that is encrypted but not for every cluster it goes to', () => {
    const onlyDev = sopsEncrypt(secret('team-x-api-keys', { stripe: PLAINTEXT }), [dev]);
    expect(writeTeams({ ...TEAM_X, 'team-x/keys.yaml': onlyDev }).problems()).toEqual([
      error(
        'team-x/keys.yaml:9:3',
        `Secret team-x-api-keys: it is not encrypted for cluster prd (age recipient ${prd}, config/clusters.ts), which the file goes to: encrypt it with \`sops --encrypt --in-place <file>\` from the repository root (.sops.yaml names every cluster's key), or \`sops updatekeys <file>\` if it is already encrypted`,
      ),
    ]);
  });

  it('sends a Secret in clusters/<cluster>/ to that cluster alone, in place of the team folder\'s', () => {
    const userSpace = writeTeams({
      ...TEAM_X,
      'team-x/keys.yaml': sopsEncrypt(secret('team-x-api-keys', { stripe: 'dev-value' }), [dev]),
      'team-x/clusters/prd/keys.yaml': sopsEncrypt(secret('team-x-api-keys', { stripe: 'prd-value', extra: 'x' }), [prd]),
    }).load();
    expect(userSpace.problems).toEqual([]);
    expect(userSpace.teamsFor('dev')[0].secrets[0].keys).toEqual(['stripe']);
    expect(userSpace.teamsFor('prd')[0].secrets[0].keys).toEqual(['stripe', 'extra']);
  });

  it('replaces on a cluster only the Secret of the same name, and orders each cluster\'s Secrets by name', () => {
    const userSpace = writeTeams({
      ...TEAM_X,
      'team-x/keys.yaml': sopsEncrypt(secret('team-x-zeta', { z: '1' }), EVERY_CLUSTER),
      'team-x/clusters/prd/keys.yaml': sopsEncrypt(secret('team-x-alpha', { a: '2' }), [prd]),
    }).load();
    expect(userSpace.problems).toEqual([]);
    expect(userSpace.teamsFor('dev')[0].secrets.map((each) => each.name)).toEqual(['team-x-zeta']);
    expect(userSpace.teamsFor('prd')[0].secrets.map((each) => each.name)).toEqual(['team-x-alpha', 'team-x-zeta']);
  });

  it('refuses a Secret named twice in one folder at the second, naming the first', () => {
    const keys = sopsEncrypt(secret('team-x-api-keys', { stripe: '1' }), EVERY_CLUSTER);
    const fixture = writeTeams({ ...TEAM_X, 'team-x/keys.yaml': keys, 'team-x/more-keys.yaml': keys });
    expect(fixture.problems()).toEqual([error('team-x/more-keys.yaml:4:9', `Secret "team-x-api-keys" is declared twice in this folder (also at ${fixture.rel}/team-x/keys.yaml:4:9)`)]);
  });

  it('refuses each nameless Secret for its missing name, and not as a Secret declared twice', () => {
    const nameless = sopsEncrypt({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'team-x' }, stringData: { stripe: '1' } }, EVERY_CLUSTER);
    const fixture = writeTeams({ ...TEAM_X, 'team-x/keys.yaml': nameless, 'team-x/more-keys.yaml': nameless });
    expect(fixture.problems()).toEqual([error('team-x/keys.yaml:4:3', 'Secret (no name): metadata.name is required'), error('team-x/more-keys.yaml:4:3', 'Secret (no name): metadata.name is required')]);
  });

  it('checks secretEnv against the Secrets of each cluster, saying which cluster lacks the key', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/keys.yaml': sopsEncrypt(secret('team-x-api-keys', { stripe: 'dev-value', extra: 'x' }), [dev]),
      'team-x/clusters/prd/keys.yaml': sopsEncrypt(secret('team-x-api-keys', { stripe: 'prd-value' }), [prd]),
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  secretEnv: {EXTRA: team-x-api-keys/extra}'),
    });
    expect(fixture.problems()).toEqual([
      error('team-x/web.yaml:10:22', `WebApplication team-x-web: spec.secretEnv.EXTRA names key "extra" of Secret team-x-api-keys (${fixture.rel}/team-x/clusters/prd/keys.yaml:4:9 on cluster prd), which has stripe`),
    ]);
  });

  it('refuses what only looks encrypted: ENC[...] strings without SOPS metadata, or a hand-edited one', () => {
    const lookalike = 'apiVersion: v1\nkind: Secret\nmetadata: {name: team-x-fake}\nstringData:\n  stripe: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n';
    expect(writeTeams({ ...TEAM_X, 'team-x/fake.yaml': lookalike }).problems().map((problem) => problem.message)).toEqual([
      'Secret team-x-fake: it is not SOPS-encrypted (no sops metadata): encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)',
    ]);
    const real = load(KEYS['team-x/keys.yaml']) as { stringData: Record<string, string>; sops: Record<string, unknown> };
    const edited = { ...real, stringData: { ...real.stringData, added: 'typed in by hand' }, sops: { ...real.sops, mac: 'none' } };
    expect(writeTeams({ ...TEAM_X, 'team-x/keys.yaml': JSON.stringify(edited) }).problems().map((problem) => problem.message)).toEqual([
      'Secret team-x-api-keys: stringData.added is not SOPS-encrypted (the value is not shown): encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)',
      'Secret team-x-api-keys: the sops metadata has no valid mac and lastmodified: encrypt the file with sops instead of editing it by hand',
    ]);
  });

  it('refuses a whole encrypted document, which hides its kind', () => {
    const whole = sopsEncrypt(secret('team-x-api-keys', { stripe: PLAINTEXT }), EVERY_CLUSTER, '.*');
    expect(writeTeams({ ...TEAM_X, 'team-x/keys.yaml': whole }).problems().map((problem) => problem.message)).toEqual([
      'a SOPS-encrypted document must be a Secret with apiVersion, kind and metadata readable: encrypt only data and stringData (the repository\'s .sops.yaml does so with `sops --encrypt --in-place <file>`)',
    ]);
  });

  it('refuses names outside the team\'s prefix, under an Infrastructure\'s, and other Secret types', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/db.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Infrastructure\nmetadata: {name: team-x-db}\nspec: {database: shop}\n',
      'team-x/a.yaml': sopsEncrypt(secret('kafka-credentials', { password: 'x' }), EVERY_CLUSTER),
      'team-x/b.yaml': sopsEncrypt(secret('team-x-db-app', { password: 'x' }), EVERY_CLUSTER),
      'team-x/c.yaml': sopsEncrypt({ ...secret('team-x-token', { token: 'x' }), type: 'kubernetes.io/service-account-token' }, EVERY_CLUSTER),
    });
    expect(fixture.problems()).toEqual([
      error('team-x/a.yaml:4:9', 'Secret kafka-credentials: names in workspace "team-x" must start with "team-x-": rename it to "team-x-kafka-credentials"'),
      error('team-x/b.yaml:4:9', `Secret team-x-db-app: names starting with "team-x-db-" belong to Infrastructure team-x-db (${fixture.rel}/team-x/db.yaml:3:18), whose database keeps its credentials in such Secrets: choose another name`),
      error('team-x/c.yaml:5:7', 'Secret team-x-token: type must be Opaque (or left out), not "kubernetes.io/service-account-token"'),
    ]);
  });

  it('refuses a Secret copied from another team, naming both places', () => {
    const fixture = writeTeams({ ...TEAM_X, ...KEYS, 'team-y/workspace.yaml': workspace('team-y'), 'team-y/keys.yaml': KEYS['team-x/keys.yaml'].replace(/team-x-api-keys/g, 'team-y-api-keys') });
    expect(fixture.problems()).toEqual([
      error('team-y/keys.yaml:10:3', `Secret team-y-api-keys: it is encrypted with the same data key as team team-x's Secret team-x-api-keys at ${fixture.rel}/team-x/keys.yaml:10:3: a Secret copied from another team is refused; encrypt your own values`),
    ]);
  });
});

describe('each refusal of a Secret\'s structure, one change at a time to a Secret that passes', () => {
  type Encrypted = Record<string, unknown> & { metadata: Record<string, unknown>; stringData: Record<string, string>; sops: Record<string, unknown> & { age: Record<string, unknown>[] } };
  const base = () => load(KEYS['team-x/keys.yaml']) as Encrypted;
  const messages = (document: Record<string, unknown>) => writeTeams({ ...TEAM_X, 'team-x/keys.yaml': JSON.stringify(document) }).problems().map((problem) => problem.message);
  /**
   * Where each problem points, in the Secret written as block YAML (one field a line): `field`
   * at the field's value, `field:` at its key, which is also where a map holding it starts.
   */
  const fieldsPointedAt = (document: Record<string, unknown>) => {
    const text = dump(document, { lineWidth: -1 });
    return writeTeams({ ...TEAM_X, 'team-x/keys.yaml': text }).problems().map((problem) => {
      const [, line, col] = problem.at.split(':').map(Number);
      const lineText = text.split('\n')[line - 1];
      const key = /^(?:- )?(.+?):(?:\s|$)/.exec(lineText.slice(col - 1))?.[1];
      return key === undefined ? /^\s*(?:- )?(.+?):\s*$/.exec(lineText.slice(0, col - 1))?.[1] : `${key}:`;
    });
  };
  const dnsLabel = 'metadata.name must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
  const cases: [string, (secret: Encrypted) => Record<string, unknown>, string[], string[]][] = [
    ['no name', (s) => ({ ...s, metadata: {} }), ['Secret (no name): metadata.name is required'], ['metadata']],
    ['a name with a capital', (s) => ({ ...s, metadata: { name: 'team-x-Keys' } }), [`Secret team-x-Keys: ${dnsLabel}`], ['name']],
    ['a name ending in "-"', (s) => ({ ...s, metadata: { name: 'team-x-keys-' } }), [`Secret team-x-keys-: ${dnsLabel}`], ['name']],
    ['a name with text after a valid label', (s) => ({ ...s, metadata: { name: 'team-x-keys.evil' } }), [`Secret team-x-keys.evil: ${dnsLabel}`], ['name']],
    ['a one-letter name, a DNS label outside the prefix', (s) => ({ ...s, metadata: { name: 'k' } }), ['Secret k: names in workspace "team-x" must start with "team-x-": rename it to "team-x-k"'], ['name']],
    ['a name of 64 characters', (s) => ({ ...s, metadata: { name: `team-x-${'k'.repeat(57)}` } }), [`Secret team-x-${'k'.repeat(57)}: ${dnsLabel}`], ['name']],
    ['another namespace', (s) => ({ ...s, metadata: { ...s.metadata, namespace: 'kube-system' } }), ['Secret team-x-api-keys: metadata.namespace is "kube-system" but a team\'s objects live in its own namespace, "team-x"'], ['namespace']],
    ['an unknown top-level field', (s) => ({ ...s, immutable: true }), ['Secret team-x-api-keys: unknown field immutable: a Secret has apiVersion, kind, metadata, type, data, stringData, sops'], ['immutable']],
    ['an unknown metadata field', (s) => ({ ...s, metadata: { ...s.metadata, ownerReferences: [] } }), ['Secret team-x-api-keys: unknown field metadata.ownerReferences: known fields: name, namespace, labels, annotations'], ['ownerReferences']],
    ['stringData that is not a map', (s) => ({ ...s, stringData: 'plain' }), ['Secret team-x-api-keys: a Secret needs data or stringData', 'Secret team-x-api-keys: stringData must be a map of keys to encrypted values'], ['apiVersion:', 'stringData']],
    ['a key with a space', (s) => ({ ...s, stringData: { 'bad key': s.stringData.stripe } }), ['Secret team-x-api-keys: stringData key "bad key" is not valid: letters, digits, "-", "_" and "."'], ['bad key']],
    ['a key both in data and stringData', (s) => ({ ...s, data: { stripe: s.stringData.github } }), ['Secret team-x-api-keys: key "stripe" is in both data and stringData'], ['stripe']],
    ['an encrypted value with text before it', (s) => ({ ...s, stringData: { ...s.stringData, stripe: ` ${s.stringData.stripe}` } }), ['Secret team-x-api-keys: stringData.stripe is not SOPS-encrypted (the value is not shown): encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)'], ['stripe']],
    ['an encrypted value with text after it', (s) => ({ ...s, stringData: { ...s.stringData, stripe: `${s.stringData.stripe} ` } }), ['Secret team-x-api-keys: stringData.stripe is not SOPS-encrypted (the value is not shown): encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)'], ['stripe']],
    // A problem with the sops metadata points at where its map starts.
    ['no lastmodified', (s) => ({ ...s, sops: { ...s.sops, lastmodified: undefined } }), ['Secret team-x-api-keys: the sops metadata has no valid mac and lastmodified: encrypt the file with sops instead of editing it by hand'], ['age:']],
    ['an age stanza without an encrypted data key', (s) => ({ ...s, sops: { ...s.sops, age: s.sops.age.map((stanza) => (stanza.recipient === prd ? { ...stanza, enc: 'typed in' } : stanza)) } }), [
      `Secret team-x-api-keys: it is not encrypted for cluster prd (age recipient ${prd}, config/clusters.ts), which the file goes to: encrypt it with \`sops --encrypt --in-place <file>\` from the repository root (.sops.yaml names every cluster's key), or \`sops updatekeys <file>\` if it is already encrypted`,
    ], ['age:']],
    ['an age stanza that is not a map', (s) => ({ ...s, sops: { ...s.sops, age: s.sops.age.map((stanza) => (stanza.recipient === prd ? null : stanza)) } }), [
      `Secret team-x-api-keys: it is not encrypted for cluster prd (age recipient ${prd}, config/clusters.ts), which the file goes to: encrypt it with \`sops --encrypt --in-place <file>\` from the repository root (.sops.yaml names every cluster's key), or \`sops updatekeys <file>\` if it is already encrypted`,
    ], ['age:']],
  ];

  it('takes only a v1 Secret for a Secret: encrypted, another apiVersion is refused', () => {
    expect(messages({ ...base(), apiVersion: 'v2' })).toEqual([
      'a SOPS-encrypted document must be a Secret with apiVersion, kind and metadata readable: encrypt only data and stringData (the repository\'s .sops.yaml does so with `sops --encrypt --in-place <file>`)',
    ]);
  });

  it('the Secret they start from passes, and so does a name of 63 characters', () => {
    expect(messages(base())).toEqual([]);
    expect(messages({ ...base(), metadata: { name: `team-x-${'k'.repeat(56)}` } })).toEqual([]);
  });

  it.each(cases)('refuses %s, with that reason alone, at that field', (_name, change, expected, fields) => {
    expect(messages(change(base()))).toEqual(expected);
    expect(fieldsPointedAt(change(base()))).toEqual(fields);
  });
});

describe('secretEnv', () => {
  const app = (secretEnv: string) => ({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', `  secretEnv: {${secretEnv}}`) });

  it('accepts <secret>/<key> of a Secret the team defines', () => {
    expect(writeTeams({ ...TEAM_X, ...KEYS, ...app('STRIPE_KEY: team-x-api-keys/stripe') }).problems()).toEqual([]);
  });

  it('refuses an unknown Secret or key at the variable, naming what exists and where', () => {
    const fixture = writeTeams({ ...TEAM_X, ...KEYS, ...app('A: team-x-api-kyes/stripe, B: team-x-api-keys/strip, C: no-slash') });
    const keys = `${fixture.rel}/team-x/keys.yaml:4:9`;
    expect(fixture.problems()).toEqual([
      error('team-x/web.yaml:10:18', `WebApplication team-x-web: spec.secretEnv.A names Secret "team-x-api-kyes", which the files of team "team-x" do not define for its clusters: its Secrets are team-x-api-keys (${keys}: stripe, github); did you mean "team-x-api-keys"?`),
      error('team-x/web.yaml:10:45', `WebApplication team-x-web: spec.secretEnv.B names key "strip" of Secret team-x-api-keys (${keys}), which has stripe, github; did you mean "stripe"?`),
      error('team-x/web.yaml:10:71', 'WebApplication team-x-web: spec.secretEnv.C "no-slash" is not valid: `<secret name>/<key>`, e.g. team-b-api-keys/stripe'),
    ]);
  });

  it('names the cluster that lacks a Secret when the team\'s Secrets differ between clusters, listing each Secret there is', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/tokens.yaml': sopsEncrypt(secret('team-x-tokens', { a: '1', b: '2' }), EVERY_CLUSTER),
      'team-x/certs.yaml': sopsEncrypt(secret('team-x-certs', { crt: '3' }), EVERY_CLUSTER),
      'team-x/clusters/dev/keys.yaml': sopsEncrypt(secret('team-x-api-keys', { stripe: '4' }), [dev]),
      ...app('STRIPE: team-x-api-keys/stripe'),
    });
    expect(fixture.problems()).toEqual([
      error(
        'team-x/web.yaml:10:23',
        `WebApplication team-x-web: spec.secretEnv.STRIPE names Secret "team-x-api-keys", which the files of team "team-x" do not define for cluster prd: its Secrets are team-x-certs (${fixture.rel}/team-x/certs.yaml:4:9: crt); team-x-tokens (${fixture.rel}/team-x/tokens.yaml:4:9: a, b)`,
      ),
    ]);
  });

  it('leaves a reference to a refused Secret to that Secret\'s own problems, never calling it undefined', () => {
    const plain = { 'team-x/keys.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: team-x-api-keys}\nstringData: {stripe: ${PLAINTEXT}}\n` };
    const messages = writeTeams({ ...TEAM_X, ...plain, ...app('STRIPE: team-x-api-keys/stripe') }).problems().map((problem) => `${problem.at}: ${problem.message}`);
    expect(messages).toEqual([
      'team-x/keys.yaml:1:1: Secret team-x-api-keys: it is not SOPS-encrypted (no sops metadata): encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)',
      'team-x/keys.yaml:4:22: Secret team-x-api-keys: stringData.stripe is not SOPS-encrypted (the value is not shown): encrypt it with `sops --encrypt --in-place <file>` from the repository root (.sops.yaml names every cluster\'s key)',
    ]);
    // Refused in clusters/dev/ alone: on prd the Secret is still missing.
    const devOnly = writeTeams({ ...TEAM_X, 'team-x/clusters/dev/keys.yaml': plain['team-x/keys.yaml'], ...app('STRIPE: team-x-api-keys/stripe') }).problems();
    expect(devOnly.map((problem) => problem.message)).toEqual([
      expect.stringContaining('Secret team-x-api-keys: it is not SOPS-encrypted (no sops metadata)'),
      expect.stringContaining('Secret team-x-api-keys: stringData.stripe is not SOPS-encrypted'),
      'WebApplication team-x-web: spec.secretEnv.STRIPE names Secret "team-x-api-keys", which the files of team "team-x" do not define for cluster prd: the team has no Secret',
    ]);
  });

  it('says so when the team has no Secret at all', () => {
    expect(writeTeams({ ...TEAM_X, ...app('STRIPE: team-x-api-keys/stripe') }).problems()).toEqual([
      error('team-x/web.yaml:10:23', 'WebApplication team-x-web: spec.secretEnv.STRIPE names Secret "team-x-api-keys", which the files of team "team-x" do not define for its clusters: the team has no Secret'),
    ]);
  });

  it('leaves a secretEnv that is no map to the schema check, which says so once', () => {
    expect(writeTeams({ ...TEAM_X, 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  secretEnv:') }).problems()).toEqual([
      error('team-x/web.yaml:10:13', 'WebApplication team-x-web: spec.secretEnv must be an object, not null (`<secret name>/<key>`, e.g. team-b-api-keys/stripe)'),
    ]);
  });
});

describe('synth with Secrets', () => {
  it('writes the encrypted Secret for each cluster, .sops.yaml stays the generated one, nothing in plain text', async () => {
    const fixture = writeTeams({ ...TEAM_X, ...KEYS, ...{ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  secretEnv: {STRIPE_KEY: team-x-api-keys/stripe}') } });
    const out = makeTempDir();
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', out);
    expect(result.status).toBe(0);
    for (const cluster of CLUSTERS) {
      const written = fs.readFileSync(path.join(ROOT, out, cluster.name, 'tenants', 'team-x', 'secrets.yaml'), 'utf8');
      expect(load(written)).toEqual(load(KEYS['team-x/keys.yaml']));
    }
    const everything = fs.readdirSync(path.join(ROOT, out), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')).join('\n');
    expect(everything).not.toContain(PLAINTEXT);
    expect(result.stdout + result.stderr).not.toContain(PLAINTEXT);
  });

  it('refuses a plain Secret and writes nothing', async () => {
    const fixture = writeTeams({ ...TEAM_X, 'team-x/keys.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: team-x-keys}\nstringData: {stripe: ${PLAINTEXT}}\n` });
    const out = makeTempDir();
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${fixture.rel}/team-x/keys.yaml:4:22: error: Secret team-x-keys: stringData.stripe is not SOPS-encrypted`);
    expect(result.stdout + result.stderr).not.toContain(PLAINTEXT);
    expect(fs.readdirSync(path.join(ROOT, out))).toEqual([]);
  });
});

describe('.sops.yaml', () => {
  const rules = (load(fs.readFileSync(path.join(ROOT, '.sops.yaml'), 'utf8')) as { creation_rules: { path_regex: string; age: string; encrypted_regex: string }[] }).creation_rules;
  /** The recipients sops picks for `file`: those of the first rule whose path_regex matches. */
  const recipientsFor = (file: string) => rules.find((rule) => new RegExp(rule.path_regex).test(file))?.age.split(',');

  it('makes sops encrypt a team file for every cluster and a cluster folder\'s file for that cluster only', () => {
    expect(recipientsFor('user-space/team-b/api-keys.yaml')).toEqual([dev, prd]);
    expect(recipientsFor('/home/me/mini-atlas/user-space/team-b/api-keys.yml')).toEqual([dev, prd]);
    expect(recipientsFor('user-space/team-b/clusters/prd/api-keys.yaml')).toEqual([prd]);
    expect(recipientsFor('user-space/team-b/clusters/dev/api-keys.yaml')).toEqual([dev]);
    expect(recipientsFor('README.md')).toBeUndefined();
    for (const rule of rules) expect(rule.encrypted_regex).toBe('^(data|stringData)$');
  });
});

describe('preview of a team with Secrets', () => {
  it('shows each Secret with its keys and every value as <encrypted>', async () => {
    const fixture = writeTeams({ ...TEAM_X, ...KEYS });
    const result = await runInProcess('preview', '--user-space', fixture.rel, path.join(fixture.rel, 'team-x'));
    expect(result.stdout).toContain(
      '---\n# Secret/team-x-api-keys: SOPS-encrypted in Git, decrypted by Flux when it applies it\napiVersion: v1\nkind: Secret\nmetadata:\n  name: team-x-api-keys\n  namespace: team-x\ntype: Opaque\nstringData:\n  stripe: <encrypted>\n  github: <encrypted>\n',
    );
    expect(result.stdout + result.stderr).not.toMatch(/ENC\[|sops:|do-not-leak/);
  });

  it('shows no Secret it refused, only why, beside what the team\'s other files create', async () => {
    const fixture = writeTeams({ ...TEAM_X, 'team-x/keys.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: team-x-keys}\nstringData: {stripe: ${PLAINTEXT}}\n` });
    const result = await runInProcess('preview', '--user-space', fixture.rel, path.join(fixture.rel, 'team-x'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${fixture.rel}/team-x/keys.yaml:4:22: error: Secret team-x-keys: stringData.stripe is not SOPS-encrypted`);
    expect(result.stdout).toContain('kind: Namespace');
    expect(result.stdout).not.toContain('kind: Secret');
    expect(result.stdout + result.stderr).not.toContain(PLAINTEXT);
  });
});

describe('the editor schema of team files', () => {
  it('accepts an encrypted Secret document and still refuses other v1 kinds', () => {
    const Ajv = require('ajv'); // eslint-disable-line @typescript-eslint/no-require-imports
    const ajv = new Ajv({ strict: false });
    for (const file of fs.readdirSync(path.join(ROOT, 'schemas'))) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', file), 'utf8')), file);
    const validate = ajv.getSchema('team-file.json');
    expect(validate(load(KEYS['team-x/keys.yaml']))).toBe(true);
    expect(validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toBe(false);
  });
});
