/**
 * bootstrap.sh's age key step, run for real with kubectl and age-keygen replaced by stubs that
 * record what they were asked: the machines this project is built on have no cluster.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers';

const BOOTSTRAP = path.resolve(__dirname, '..', '..', 'cluster', 'bootstrap.sh');
const RECIPIENT = 'age1committedrecipient';

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  /** Every stub call, one line each: `kubectl <args>` or `age-keygen <args>`. */
  readonly calls: string[];
  readonly home: string;
  /** The key file content the stub kubectl put into the cluster. */
  readonly applied?: string;
  readonly scratch: string;
}

/** Runs install_sops_key for `cluster` in a scratch HOME; `secretExists` is what `kubectl get secret` finds. */
function installKey(cluster: string, options: { secretExists?: boolean; keyFile?: string; key?: string; generatedRecipient?: string } = {}): Run {
  const scratch = tempDir('sops-key');
  const bin = path.join(scratch, 'bin');
  const home = path.join(scratch, 'home');
  fs.mkdirSync(bin);
  fs.mkdirSync(home);
  const calls = path.join(scratch, 'calls');
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${calls}"\n${body}\n`, { mode: 0o755 });
  // create secret: keeps a copy of the key file it was given, to show what reached the cluster.
  stub('kubectl', `[[ "$*" == *" get secret "* ]] && exit ${options.secretExists ? 0 : 1}; if [[ "$*" == *" create secret "* ]]; then last="\${*: -1}"; cp "\${last##*=}" "${scratch}/applied"; fi; exit 0`);
  stub('age-keygen', `if [[ "$1" == -o ]]; then printf 'AGE-SECRET-KEY-1STUB\\n' > "$2"; else echo "${options.generatedRecipient ?? RECIPIENT}"; fi`);
  const script = [
    'set -euo pipefail',
    'log() { printf "==> %s\\n" "$*" >&2; }',
    'die() { printf "bootstrap: %s\\n" "$*" >&2; exit 1; }',
    `source <(sed -n '/^install_sops_key() {/,/^}/p' '${BOOTSTRAP}')`,
    `CLUSTER=${cluster} CONTEXT=kind-${cluster} SOPS_AGE_RECIPIENT=${RECIPIENT} SOPS_KEY_SECRET=sops-age SOPS_KEY_ENTRY=age.agekey`,
    'install_sops_key',
  ].join('\n');
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home, TMPDIR: scratch, ...(options.keyFile ? { SOPS_AGE_KEY_FILE: options.keyFile } : {}), ...(options.key ? { SOPS_AGE_KEY: options.key } : {}) };
  const result = spawnSync('bash', ['-c', script], { env, encoding: 'utf8' });
  const recorded = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : [];
  const applied = path.join(scratch, 'applied');
  return { status: result.status, stderr: result.stderr, calls: recorded, home, applied: fs.existsSync(applied) ? fs.readFileSync(applied, 'utf8') : undefined, scratch };
}

describe('bootstrap: the age key Flux decrypts team Secrets with', () => {
  it('keeps a key the cluster already has', () => {
    const run = installKey('dev', { secretExists: true });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['kubectl --context kind-dev -n flux-system get secret sops-age']);
  });

  it("creates dev's key outside the repository, owner-only, and puts it into flux-system", () => {
    const run = installKey('dev');
    const keyFile = path.join(run.home, '.config', 'mini-atlas', 'age', 'dev.agekey');
    expect(run.status).toBe(0);
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    expect(run.calls).toEqual([
      'kubectl --context kind-dev -n flux-system get secret sops-age',
      `age-keygen -o ${keyFile}`,
      `age-keygen -y ${keyFile}`,
      `kubectl --context kind-dev -n flux-system create secret generic sops-age --from-file=age.agekey=${keyFile}`,
    ]);
    expect(run.stderr).not.toContain('warning');
  });

  it('says how to adopt a new key whose recipient is not the committed one', () => {
    const run = installKey('dev', { generatedRecipient: 'age1freshkey' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`team Secrets are encrypted for ${RECIPIENT} (config/clusters.ts), not for this key (age1freshkey)`);
    expect(run.stderr).toContain('set sops.ageRecipient of dev in config/clusters.ts to age1freshkey, run npm run synth');
  });

  it("never creates prd's key: it says how to provide it and stops", () => {
    const run = installKey('prd');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Its private key (recipient ${RECIPIENT}) is held by the cluster's operators, never in Git: run SOPS_AGE_KEY_FILE=<file holding it> cluster/bootstrap.sh prd`);
    expect(run.calls.filter((call) => call.startsWith('age-keygen') || call.includes('create secret'))).toEqual([]);
  });

  it('takes the key itself from SOPS_AGE_KEY, as CI passes it, and leaves no copy behind', () => {
    const run = installKey('dev', { key: 'AGE-SECRET-KEY-1FROMCI' });
    expect(run.status).toBe(0);
    expect(run.applied).toBe('AGE-SECRET-KEY-1FROMCI\n');
    expect(run.calls.filter((call) => call.startsWith('age-keygen -o'))).toEqual([]);
    expect(fs.readdirSync(run.scratch).filter((file) => file.startsWith('tmp'))).toEqual([]);
    expect(run.stderr).toContain('from SOPS_AGE_KEY');
  });

  it('uses the key file given in SOPS_AGE_KEY_FILE', () => {
    const keyFile = path.join(tempDir('prd-key'), 'prd.agekey');
    fs.writeFileSync(keyFile, 'AGE-SECRET-KEY-1GIVEN\n', { mode: 0o600 });
    const run = installKey('prd', { keyFile });
    expect(run.status).toBe(0);
    expect(run.calls).toContain(`kubectl --context kind-prd -n flux-system create secret generic sops-age --from-file=age.agekey=${keyFile}`);
  });
});
