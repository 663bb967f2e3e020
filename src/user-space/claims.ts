import { createHash } from 'crypto';
import { isPlainObject } from './merge';
import { SourceLocation } from './model';
import { formatLocation, Problem } from './problems';

/**
 * What a team claims that no other may use, as plain data: hostnames (a hostname routes to one
 * application on every cluster) and SOPS data keys. One cluster key decrypts every team's
 * Secrets, so a team that copied another team's encrypted file into its own folder would have
 * Flux decrypt it into its own namespace; each encryption makes a fresh data key, and its age
 * stanzas are unique: the same stanza in two teams' files is a copy.
 */
export interface TeamClaims {
  readonly team: string;
  /** [hostname, owner as `<team>/<kind>/<name>`], in the order declared. */
  readonly hosts: readonly (readonly [string, string])[];
  /** [Secret name, SHA-256 of each of its data keys (age stanzas)] per Secret declared, in order. */
  readonly secrets: readonly (readonly [string, readonly string[]])[];
}

/** One claim of a team: its `index`-th hostname, or its `index`-th Secret. */
export interface ClaimRef {
  readonly team: string;
  readonly kind: 'host' | 'secret';
  readonly index: number;
}

/** What checkClaims found: the problems, and the hostname claims refused (whose instances create nothing). */
export interface ClaimCheck {
  readonly problems: readonly Problem[];
  readonly refusedHosts: readonly ClaimRef[];
}

/**
 * Checks claims across teams, in team order: the claim found second is refused, naming the
 * first. Claims are plain data, so that teams can be loaded (or reused) one at a time; `locate`
 * says where a claim is written, and is asked only for a refusal's message.
 */
export function checkClaims(teams: Iterable<TeamClaims>, locate: (claim: ClaimRef) => SourceLocation): ClaimCheck {
  const problems: Problem[] = [];
  const refusedHosts: ClaimRef[] = [];
  const hosts = new Map<string, { readonly owner: string; readonly claim: ClaimRef }>();
  const dataKeys = new Map<string, { readonly secret: string; readonly claim: ClaimRef }>();
  for (const { team, hosts: claimedHosts, secrets } of teams) {
    claimedHosts.forEach(([host, owner], index) => {
      const claim: ClaimRef = { team, kind: 'host', index };
      const first = hosts.get(host);
      if (!first) hosts.set(host, { owner, claim });
      else if (first.owner !== owner) {
        problems.push({ severity: 'error', location: locate(claim), message: `host "${host}" is already used by ${first.owner.split('/').join(' ')} at ${formatLocation(locate(first.claim))}: hostnames are unique across teams and clusters` });
        refusedHosts.push(claim);
      }
    });
    secrets.forEach(([secret, keys], index) => {
      const claim: ClaimRef = { team, kind: 'secret', index };
      for (const key of keys) {
        const first = dataKeys.get(key);
        if (!first) dataKeys.set(key, { secret, claim });
        else if (first.claim.team !== team) {
          problems.push({
            severity: 'error',
            location: locate(claim),
            message: `Secret ${secret}: it is encrypted with the same data key as team ${first.claim.team}'s Secret ${first.secret} at ${formatLocation(locate(first.claim))}: a Secret copied from another team is refused; encrypt your own values`,
          });
          return;
        }
      }
    });
  }
  return { problems, refusedHosts };
}

/** SHA-256 of each data key (age stanza) of a SOPS-encrypted Secret document: a claim needs no more than their identity. */
export function dataKeysOf(document: Readonly<Record<string, unknown>>): string[] {
  const sops = document.sops;
  const stanzas = isPlainObject(sops) && Array.isArray(sops.age) ? sops.age.filter(isPlainObject) : [];
  return stanzas.flatMap((stanza) => (typeof stanza.enc === 'string' ? [createHash('sha256').update(stanza.enc).digest('hex')] : []));
}
