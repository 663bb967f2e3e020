import { readDocuments } from '../../src/user-space/documents';
import { Problem } from '../../src/user-space/problems';

/** The one document of `text`, read as a team file is (from its bytes, not from disk). */
function only(text: string) {
  const problems: Problem[] = [];
  const documents = readDocuments('/nowhere/web.yaml', 'web.yaml', problems, Buffer.from(text));
  expect(problems).toEqual([]);
  expect(documents).toHaveLength(1);
  return documents[0];
}

const TEXT = ['apiVersion: kro.run/v1alpha1', 'kind: Workspace', 'metadata: {name: team-x}', 'spec:', '  owners:', '    - "@acme/a"', '    - "@acme/b"', ''].join('\n');

describe('a document’s locate', () => {
  const document = only(TEXT);

  it('points at a value, or at its key when asked, and at list items by index', () => {
    expect(document.locate(['metadata', 'name'])).toEqual({ file: 'web.yaml', line: 3, col: 18 });
    expect(document.locate(['metadata', 'name'], true)).toEqual({ file: 'web.yaml', line: 3, col: 12 });
    expect(document.locate(['spec', 'owners', 1])).toEqual({ file: 'web.yaml', line: 7, col: 7 });
  });

  it('points at the closest parent that exists: a list for a missing item, a value (never its key) for a missing field', () => {
    expect(document.locate(['spec', 'owners', 5])).toEqual({ file: 'web.yaml', line: 6, col: 5 });
    expect(document.locate(['spec', 'owners', 5, 'x'], true)).toEqual({ file: 'web.yaml', line: 6, col: 5 });
    expect(document.locate(['metadata', 'labels'], true)).toEqual({ file: 'web.yaml', line: 3, col: 11 });
    expect(document.locate([])).toEqual({ file: 'web.yaml', line: 1, col: 1 });
  });
});
