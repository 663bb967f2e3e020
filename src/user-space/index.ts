export { isInvalid, isYamlFile, loadUserSpace, locateField, OVERRIDES_FOLDER, sourceOf } from './load';
export type { LoadOptions, UserSpace } from './load';
export type { Instance, SourceLocation, TeamInstances } from './model';
export { formatProblem, hasErrors } from './problems';
export type { Problem } from './problems';
