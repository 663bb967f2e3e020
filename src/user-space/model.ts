/** Where a value came from in a team's file. */
export interface SourceLocation {
  /** Path relative to the repository root. */
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly col: number;
}

/** A team's abstraction instance, validated and ready to apply. */
export interface Instance {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: Record<string, unknown>;
}

/** Everything one team declared for one cluster (overrides applied). */
export interface TeamInstances {
  readonly team: string;
  readonly workspace: Instance;
  /** Namespaced instances, in a stable order (kind, then name). */
  readonly instances: readonly Instance[];
  /** The team's Secrets for this cluster, SOPS-encrypted as committed, by name. */
  readonly secrets: readonly TeamSecret[];
}

/** A Secret a team committed, SOPS-encrypted: the platform passes it on untouched, Flux decrypts it. */
export interface TeamSecret {
  readonly name: string;
  /** The document as written: encrypted values and the `sops` metadata. */
  readonly document: Readonly<Record<string, unknown>>;
  /** Its `data` and `stringData` keys, the names `secretEnv` can refer to. */
  readonly keys: readonly string[];
}
