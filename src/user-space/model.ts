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
}
