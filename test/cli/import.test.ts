import { runImport } from '../../src/cli/import';
import { UsageError } from '../../src/cli/usage-error';

describe('npm run import -- --from', () => {
  it('names a folder that does not exist, or is a file, in one sentence (exit 2), before touching imports/', () => {
    expect(() => runImport(['--from', 'no/such/crds'])).toThrow(new UsageError('--from no/such/crds does not exist: give the folder that holds the pinned CRD files, e.g. --from ../shared/crds'));
    expect(() => runImport(['--from', 'package.json'])).toThrow(new UsageError('--from package.json is a file: give the folder that holds the pinned CRD files, e.g. --from ../shared/crds'));
  });
});
