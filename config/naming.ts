/**
 * The workspace naming convention: every workload a team declares is named `<workspace>-...`,
 * so that names tell whose a thing is across the cluster. synth checks it on team files and
 * Kyverno enforces the same rule in the cluster; both read it from here.
 *
 * No `as const` here: Stryker leaves everything inside an `as` expression unmutated, and this
 * rule guards isolation.
 */
export const NAMING_CONVENTION: {
  /**
   * The rule as a CEL expression over the admitted `object`, for Kyverno's ValidatingPolicy (its
   * `metadata.namespace` is the workspace; the API server fills it in before admission). A test
   * evaluates it against `matches`.
   */
  readonly celExpression: string;
  /** The rule's message as a CEL expression over `object`, in the words of `describe`. */
  readonly celMessage: string;
  /** Whether `name` follows the convention inside `workspace`. */
  matches(workspace: string, name: string): boolean;
  /** The rule, for messages. */
  describe(workspace: string): string;
} = {
  celExpression: "object.metadata.name.startsWith(object.metadata.namespace + '-') && size(object.metadata.name) > size(object.metadata.namespace) + 1",
  celMessage: "'names in workspace \"' + object.metadata.namespace + '\" must start with \"' + object.metadata.namespace + '-\"'",
  matches: (workspace, name) => name.startsWith(`${workspace}-`) && name.length > workspace.length + 1,
  describe: (workspace) => `names in workspace "${workspace}" must start with "${workspace}-"`,
};
