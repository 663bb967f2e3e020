/**
 * The workspace naming convention: every workload a team declares is named `<workspace>-...`,
 * so that names tell whose a thing is across the cluster. synth checks it on team files and
 * Kyverno enforces the same rule in the cluster; both read it from here.
 */
export const NAMING_CONVENTION = {
  /**
   * The rule as a CEL expression over the admitted `object`, for Kyverno's ValidatingPolicy (its
   * `metadata.namespace` is the workspace; the API server fills it in before admission). A test
   * evaluates it against `matches`.
   */
  celExpression: "object.metadata.name.startsWith(object.metadata.namespace + '-') && size(object.metadata.name) > size(object.metadata.namespace) + 1",
  /** The rule's message as a CEL expression over `object`, in the words of `describe`. */
  celMessage: "'names in workspace \"' + object.metadata.namespace + '\" must start with \"' + object.metadata.namespace + '-\"'",
  /** Whether `name` follows the convention inside `workspace`. */
  matches: (workspace: string, name: string): boolean => name.startsWith(`${workspace}-`) && name.length > workspace.length + 1,
  /** The rule, for messages. */
  describe: (workspace: string): string => `names in workspace "${workspace}" must start with "${workspace}-"`,
} as const;
