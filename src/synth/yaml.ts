import { dump } from 'js-yaml';

/**
 * Renders `value` the same way everywhere: block style, no line folding, no anchors. js-yaml
 * writes the thousands of documents of a large synth ten times faster than the `yaml` package,
 * which serves where positions matter: reading team files.
 */
export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}
