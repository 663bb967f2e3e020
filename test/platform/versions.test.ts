import * as path from 'path';
import { CHARTS, gatewayApiConflict, VERSIONS, versionConflicts } from '../../config/versions';
import { ROOT } from '../../src/paths';
import { readTree } from '../../src/synth/dist-folder';
import { tempDir } from '../helpers';

describe('Cilium and Gateway API versions', () => {
  it('accepts the pinned pair', () => {
    expect(gatewayApiConflict(CHARTS.cilium.version, VERSIONS.gatewayApi)).toBeUndefined();
    expect(versionConflicts(CHARTS, VERSIONS)).toEqual([]);
  });

  it('refuses Cilium 1.19 with Gateway API 1.5 or later, whose TLSRoute v1alpha2 its operator needs', () => {
    expect(gatewayApiConflict('1.19.4', '1.6.1')).toBe('Cilium 1.19.4 does not run with Gateway API 1.6.1 (it supports v1.4): pin the two together in config/versions.ts');
    expect(gatewayApiConflict('1.19.1', 'v1.5.0')).toMatch(/^Cilium 1\.19\.1 does not run with Gateway API v1\.5\.0/);
    expect(gatewayApiConflict('1.19.4', '1.4.1')).toBeUndefined();
  });

  it('refuses Cilium 1.20 with an older Gateway API, and a Cilium the table does not know', () => {
    expect(gatewayApiConflict('1.20.0', '1.4.1')).toMatch(/does not run with Gateway API 1\.4\.1 \(it supports v1\.6\)/);
    expect(gatewayApiConflict('1.21.0', '1.6.1')).toMatch(/^Cilium 1\.21\.0 is not in CILIUM_GATEWAY_API/);
  });
});

describe('synth with a known-bad pair pinned', () => {
  it('refuses before writing anything', () => {
    jest.isolateModules(() => {
      jest.doMock('../../config/versions', () => {
        const actual = jest.requireActual('../../config/versions');
        return { ...actual, CHARTS: { ...actual.CHARTS, cilium: { ...actual.CHARTS.cilium, version: '1.19.4' } } };
      });
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { synthesize } = require('../../src/synth/command') as typeof import('../../src/synth/command');
      const { UsageError } = require('../../src/cli/usage-error') as typeof import('../../src/cli/usage-error');
      const out = tempDir('bad-pair');
      const synth = () => synthesize({ userSpaceDir: path.join(ROOT, 'user-space'), out });
      expect(synth).toThrow(UsageError);
      expect(synth).toThrow('Cilium 1.19.4 does not run with Gateway API 1.6.1');
      expect(readTree(out).size).toBe(0);
    });
  });
});
