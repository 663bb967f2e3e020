/**
 * A SOPS encryptor for tests (SOPS 3 file format, age recipients), written from the format that
 * sops and Flux read: each value under a key matching `encrypted_regex` becomes
 * `ENC[AES256_GCM,data:,iv:,tag:,type:]` (AES-256-GCM with a random 256-bit data key, 32-byte IV,
 * the value's key path `a:b:` as additional data), the data key is age-encrypted to every
 * recipient (armored, one stanza each), and the MAC is SHA-512 over the plaintext values,
 * encrypted with `lastmodified` as additional data. Tests decrypt what it writes with an
 * independent implementation (sops-age), so a value that merely looks encrypted proves nothing.
 *
 * It is ESM because age-encryption is; tests run it as a child process:
 *   node encrypt.mjs keygen                 -> {"identity": "AGE-SECRET-KEY-1...", "recipient": "age1..."}
 *   node encrypt.mjs encrypt < {document, recipients, encryptedRegex}  -> the encrypted document, as JSON
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Encrypter, armor, generateX25519Identity, identityToRecipient } from 'age-encryption';

const SOPS_VERSION = '3.10.2';

function encryptValue(value, key, additionalData) {
  const iv = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData));
  const data = Buffer.concat([cipher.update(Buffer.from(String(value))), cipher.final()]);
  const type = typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : typeof value === 'boolean' ? 'bool' : 'str';
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${cipher.getAuthTag().toString('base64')},type:${type}]`;
}

/** Encrypts in place what lies under keys matching `regex`; every leaf value feeds the MAC, in document order. */
function walk(node, path, key, regex, encrypting, hash) {
  if (Array.isArray(node)) return node.map((item) => walk(item, path, key, regex, encrypting, hash));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([name, child]) => [name, walk(child, [...path, name], key, regex, encrypting || regex.test(name), hash)]));
  }
  hash.update(String(node));
  return encrypting ? encryptValue(node, key, `${path.join(':')}:`) : node;
}

async function encrypt({ document, recipients, encryptedRegex = '^(data|stringData)$' }) {
  const dataKey = randomBytes(32);
  const hash = createHash('sha512');
  const encrypted = walk(document, [], dataKey, new RegExp(encryptedRegex), false, hash);
  const lastmodified = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const age = [];
  for (const recipient of recipients) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    age.push({ recipient, enc: armor.encode(await encrypter.encrypt(dataKey)) });
  }
  const mac = encryptValue(hash.digest('hex').toUpperCase(), dataKey, lastmodified);
  return { ...encrypted, sops: { age, lastmodified, mac, encrypted_regex: encryptedRegex, version: SOPS_VERSION } };
}

async function main() {
  if (process.argv[2] === 'keygen') {
    const identity = await generateX25519Identity();
    process.stdout.write(JSON.stringify({ identity, recipient: await identityToRecipient(identity) }));
    return;
  }
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  process.stdout.write(JSON.stringify(await encrypt(JSON.parse(input))));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
