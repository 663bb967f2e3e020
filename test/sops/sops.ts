import { spawnSync } from 'child_process';
import * as path from 'path';
import { dump } from 'js-yaml';

const ENCRYPT = path.join(__dirname, 'encrypt.mjs');

function run(args: string[], input?: string): string {
  const result = spawnSync('node', [ENCRYPT, ...args], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`encrypt.mjs failed: ${result.stderr}`);
  return result.stdout;
}

/** A fresh age key pair (test-only; never any cluster's). */
export function ageKeyPair(): { identity: string; recipient: string } {
  return JSON.parse(run(['keygen']));
}

/** `document` SOPS-encrypted for `recipients`, as YAML the way sops writes it (only data and stringData encrypted by default). */
export function sopsEncrypt(document: Record<string, unknown>, recipients: readonly string[], encryptedRegex?: string): string {
  return dump(JSON.parse(run(['encrypt'], JSON.stringify({ document, recipients, encryptedRegex }))), { lineWidth: -1 });
}

/** A Secret named `name` with `values` in stringData. */
export function secret(name: string, values: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData: values };
}
