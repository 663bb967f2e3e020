import * as path from 'path';
import { CHARTS, gatewayApiConflict, imageTag, VERSIONS, versionConflicts, type ChartVersion } from '../../config/versions';
import { ROOT } from '../../src/paths';
import { readTree, tempDir } from '../helpers';

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

  it('reads versions with or without the v of a Git tag', () => {
    expect(gatewayApiConflict('v1.20.0', 'v1.6.1')).toBeUndefined();
    expect(gatewayApiConflict('v1.19.4', '1.4.1')).toBeUndefined();
  });

  it('refuses Cilium 1.20 with an older Gateway API, and a Cilium the table does not know', () => {
    expect(gatewayApiConflict('1.20.0', '1.4.1')).toMatch(/does not run with Gateway API 1\.4\.1 \(it supports v1\.6\)/);
    expect(gatewayApiConflict('1.21.0', '1.6.1')).toMatch(/^Cilium 1\.21\.0 is not in CILIUM_GATEWAY_API/);
  });
});

describe('the tag of an image pinned by digest, for readers', () => {
  it('is what stands between the last colon of the name and the digest', () => {
    expect(imageTag('docker.io/valkey/valkey:8.1.4-alpine@sha256:e706d1213aaba6896c162bb6a3a9e1894e1a435f28f8f856d14fab2e10aa098b')).toBe('8.1.4-alpine');
    expect(imageTag('registry.example:5000/team/app:v1.2.3@sha256:00')).toBe('v1.2.3');
    expect(imageTag('kindest/node:v1.34.0')).toBe('v1.34.0');
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

describe('OCI charts without a digest or a signature check', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const cosign = { issuer: 'https://issuer.example', subject: 'signer@example.com' };
  const oci = (fields: Partial<ChartVersion>): ChartVersion => ({ repository: 'oci://registry.example/charts/gadget', chart: 'gadget', version: '1.2.3', ...fields });
  const conflicts = (gadget: ChartVersion) => versionConflicts({ ...CHARTS, gadget }, VERSIONS);

  it('are accepted with a digest and a signer, or with the reason each is missing', () => {
    expect(conflicts(oci({ digest, cosign }))).toEqual([]);
    expect(conflicts(oci({ exceptions: { digest: 'not published yet', signature: 'the publisher does not sign it' } }))).toEqual([]);
  });

  it('are refused without the reason, with what to do', () => {
    expect(conflicts(oci({ cosign }))).toEqual([
      'CHARTS.gadget in config/versions.ts has no digest and says no why: run `npm run import` online and paste the digest it prints, or give the reason in exceptions.digest',
    ]);
    expect(conflicts(oci({ digest }))).toEqual([
      'CHARTS.gadget in config/versions.ts has no cosign identity and says no why: set cosign to the identity that signs the chart, if its publisher signs it, or give the reason in exceptions.signature',
    ]);
  });

  it('are refused with a reason for a check they have, and an HTTP(S) chart with OCI-only fields', () => {
    expect(conflicts(oci({ digest, cosign, exceptions: { digest: 'stale' } }))).toEqual(['CHARTS.gadget in config/versions.ts has a digest and still gives exceptions.digest: remove the reason']);
    expect(conflicts(oci({ digest, cosign, exceptions: { signature: 'stale' } }))).toEqual(['CHARTS.gadget in config/versions.ts has a cosign identity and still gives exceptions.signature: remove the reason']);
    expect(conflicts({ repository: 'https://charts.example', chart: 'gadget', version: '1.2.3', digest })).toEqual([
      'CHARTS.gadget in config/versions.ts is an HTTP(S) chart but sets digest, which only an OCI chart has: an HTTP(S) chart is pinned by its exact version (and archiveSha256 where bootstrap installs it)',
    ]);
    expect(conflicts({ repository: 'https://charts.example', chart: 'gadget', version: '1.2.3', digest, cosign })).toEqual([
      'CHARTS.gadget in config/versions.ts is an HTTP(S) chart but sets digest, cosign, which only an OCI chart has: an HTTP(S) chart is pinned by its exact version (and archiveSha256 where bootstrap installs it)',
    ]);
  });
});
