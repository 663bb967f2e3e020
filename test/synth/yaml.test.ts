import * as fs from 'fs';
import * as path from 'path';
import { dump, loadAll } from 'js-yaml';
import { toYaml } from '../../src/synth/yaml';
import { COMMITTED_DIST, some } from '../helpers';

/** What toYaml promises: js-yaml's output, whichever of the two writes it. */
const jsYaml = (value: unknown) => dump(value, { lineWidth: -1, noRefs: true });

function documentsUnder(folder: string): unknown[] {
  return fs.readdirSync(folder, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return entry.isFile() && file.endsWith('.yaml') ? loadAll(fs.readFileSync(file, 'utf8')) : [];
  });
}

/** Strings that hit each of js-yaml's rules: implicit types, YAML 1.1 words, indicators, `: ` and ` #`, quotes, and what only js-yaml writes. */
const TRICKY = [
  '', 'a', 'team-a', 'kro.run/v1alpha1', 'true', 'True', 'false', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'N', 'null', 'Null', '~', '<<',
  '1', '-1', '+1', '0x1f', '0o17', '0b101', '1_000', '1e3', '1.5', '.5', '-.inf', '.NaN', '12:30:00', '1:20', '2024-01-01', '2024-01-01T10:00:00Z',
  '-', '- a', '--', '---', '?a', ':a', 'a:', 'a: b', 'a:b', 'a #b', 'a#b', '#a', ' a', 'a ', ',a', '[a]', '{a}', '&a', '*a', '!a', '|a', '>a', "'a", '"a', '%a', '@a', '`a', '=a',
  ...['NULL', 'TRUE', 'False', 'Y', 'Yes', 'YES', 'ON', 'On', 'n', 'no', 'NO', 'off', 'Off'], '+1:20', '-1:20', '1:20.55', '1:20.', '1:20a', 'a1:20', '1:20.x',
  "it's", 'http://x:80/a#b?c=d', '{"uid":"x","title":"it\'s"}', 'a\tb', 'two\nlines', 'ends with a newline\n', 'été', 'a\u0000b', 'a\u2028b', 'x'.repeat(1100),
];

describe('toYaml', () => {
  it('writes every document of the committed dist/ as js-yaml does', () => {
    for (const document of some(documentsUnder(COMMITTED_DIST))) expect(toYaml(document)).toBe(jsYaml(document));
  });

  it.each(TRICKY.map((text) => [JSON.stringify(text).slice(0, 40), text]))('writes %s as js-yaml does, as a value, a key and in a list', (_, text) => {
    for (const value of [text, { [text]: text }, [text], { a: { [text]: [text, { b: text }] } }]) expect(toYaml(value)).toBe(jsYaml(value));
  });

  it('writes numbers, booleans, null, empty and nested collections, and leaves out what is undefined, as js-yaml does', () => {
    const values = [null, true, false, 0, -0, 7, -2.25, 1e21, -1e21, 1.5e21, 1e-7, -1e-7, -1.5e-7, 5e-100, NaN, Infinity, -Infinity, [], {}, [[]], [{}], { a: [] }, { a: {} }, { a: { b: undefined } }, [[1, 2], [3]], [{ a: 1, b: [{ c: null }] }], { a: undefined, b: 1 }, [undefined, 1], undefined];
    for (const value of values) expect(toYaml(value)).toBe(jsYaml(value));
  });

  it('writes what is not plain data, an object written twice and a key over 1024 characters as js-yaml does, without anchors', () => {
    const shared = { text: 'two\nlines' };
    const values = [{ at: new Date(0) }, { first: shared, second: shared }, { ['k'.repeat(1024)]: 1 }, { ['k'.repeat(1025)]: 1 }];
    for (const value of values) expect(toYaml(value)).toBe(jsYaml(value));
    expect(toYaml({ first: shared, second: shared })).not.toContain('&');
  });
});
