import { hash } from 'crypto';
import { shardName } from '../../config/flux';

/**
 * The shard that reconciles `team`'s Kustomization, out of `count` (undefined when there are
 * none). Rendezvous hashing: each shard scores `sha256(shard/team)` and the highest wins, so a
 * team's shard depends on its own name and the shard count alone. Adding or removing a team
 * never moves another, and adding a shard moves only the teams that the new shard wins (about
 * one in `count + 1`), where `hash mod count` would move most of them.
 */
export function tenantShard(team: string, count: number): string | undefined {
  let best: { shard: string; score: string } | undefined;
  for (let index = 1; index <= count; index++) {
    const shard = shardName(index);
    // Hex digests of equal length compare as their bytes do.
    const score = hash('sha256', `${shard}/${team}`);
    // Stryker disable next-line EqualityOperator: SHA-256 digests of different texts do not tie
    if (best === undefined || score > best.score) best = { shard, score };
  }
  return best?.shard;
}
