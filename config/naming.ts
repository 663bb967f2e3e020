/**
 * The workspace naming convention: every workload a team declares is named `<workspace>-...`,
 * so that names tell whose a thing is across the cluster. synth checks it on team files and
 * Kyverno enforces the same rule in the cluster; both read it from here.
 *
 * No `as const` here: Stryker leaves everything inside an `as` expression unmutated, and this
 * rule guards isolation.
 */
export const NAMING_CONVENTION: {
  /** Kyverno pattern for `metadata.name`, evaluated in the object's namespace (the workspace). */
  readonly kyvernoPattern: string;
  /** Whether `name` follows the convention inside `workspace`. */
  matches(workspace: string, name: string): boolean;
  /** The rule, for messages. */
  describe(workspace: string): string;
} = {
  kyvernoPattern: '{{request.namespace}}-?*',
  matches: (workspace, name) => name.startsWith(`${workspace}-`) && name.length > workspace.length + 1,
  describe: (workspace) => `names in workspace "${workspace}" must start with "${workspace}-"`,
};
