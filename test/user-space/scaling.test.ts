/** How many pods a WebApplication may ask for: an autoscale range in order, and a maximum the namespace quota holds. */
import { webApplicationApi } from '../../abstractions/web-application/api';
import type { ClusterConfig } from '../../config/clusters';
import { bytes, checkQuotaFit, checkScaling, milliCpu } from '../../src/user-space/scaling';
import type { Problem } from '../../src/user-space';

/** A cluster whose namespace quota is 4 pods, 2 CPU and 1Gi: four pods of 500m and 256Mi fill it exactly. */
const CLUSTER = { name: 'small', tenant: { quota: { cpu: '2', memory: '1Gi', pods: 4, storage: '1Gi' } } } as unknown as ClusterConfig;

/** Where each field is, made up from its path. */
const locate = (at: readonly string[]) => ({ file: 'user-space/team-x/web.yaml', line: at.length, col: at.join('.').length });

function quotaProblems(spec: Record<string, unknown>, cluster = CLUSTER): string[] {
  const problems: Problem[] = [];
  checkQuotaFit({ apiVersion: 'kro.run/v1alpha1', kind: 'WebApplication', metadata: { name: 'team-x-web' }, spec }, cluster, locate, problems);
  return problems.map((problem) => `${problem.location.line}:${problem.location.col} ${problem.message}`);
}

describe('checkQuotaFit', () => {
  it('accepts pods that fill the quota exactly, in pods, CPU and memory', () => {
    expect(quotaProblems({ replicas: 4, cpu: '500m', memory: '256Mi' })).toEqual([]);
    expect(quotaProblems({ autoscale: { minReplicas: 1, maxReplicas: 4 }, cpu: '0.5', memory: '268435456' })).toEqual([]);
  });

  it('refuses one pod more, naming every part of the quota it exceeds, at the field that sets the count', () => {
    expect(quotaProblems({ replicas: 5, cpu: '500m', memory: '256Mi' })).toEqual([
      "2:13 WebApplication team-x-web: on cluster small, replicas 5 needs 5 pods, more than the quota's 4 and 5 × 500m CPU, more than the quota's 2 and 5 × 256Mi memory, more than the quota's 1Gi (the namespace quota of config/clusters.ts): lower it or the pods' cpu and memory",
    ]);
    expect(quotaProblems({ autoscale: { maxReplicas: 3 }, cpu: '1', memory: '128Mi' })).toEqual([
      "3:26 WebApplication team-x-web: on cluster small, autoscale.maxReplicas 3 needs 3 × 1 CPU, more than the quota's 2 (the namespace quota of config/clusters.ts): lower it or the pods' cpu and memory",
    ]);
  });

  it('checks one pod and the most pods allowed, and leaves a count out of bounds to its own error', () => {
    const tight = { name: 'tight', tenant: { quota: { cpu: '100m', memory: '1Gi', pods: 100, storage: '1Gi' } } } as unknown as ClusterConfig;
    expect(quotaProblems({ replicas: 1, cpu: '200m' }, tight)).toHaveLength(1);
    const maximum = webApplicationApi.spec.replicas.maximum!;
    expect(quotaProblems({ replicas: maximum, cpu: '200m' }, tight)).toHaveLength(1);
    for (const replicas of [0, maximum + 1, 1.5, 'two']) expect(quotaProblems({ replicas, cpu: '200m' }, tight)).toEqual([]);
    // Without replicas, the default count.
    expect(quotaProblems({ cpu: '200m' }, tight)).toHaveLength(1);
  });
});

describe('checkScaling', () => {
  const scalingErrors = (spec: Record<string, unknown>) => {
    const errors: string[] = [];
    checkScaling(spec, locate, (at, message) => errors.push(`${at.join('.')}: ${message}`));
    return errors;
  };

  it('takes a range whose minimum equals its maximum, and refuses one whose minimum is above it', () => {
    expect(scalingErrors({ autoscale: { minReplicas: 3, maxReplicas: 3 } })).toEqual([]);
    expect(scalingErrors({ autoscale: { minReplicas: 4, maxReplicas: 3 } })).toEqual(['spec.autoscale.minReplicas: spec.autoscale.minReplicas is 4, more than spec.autoscale.maxReplicas, 3 (at user-space/team-x/web.yaml:3:26)']);
  });
});

describe('quantities', () => {
  it('reads CPU in millicores and memory in bytes, as Kubernetes writes them', () => {
    expect([milliCpu('250m'), milliCpu('1'), milliCpu('1.5'), milliCpu('0.1')]).toEqual([250, 1000, 1500, 100]);
    expect([bytes('256Mi'), bytes('8Gi'), bytes('4Ki'), bytes('1Ti'), bytes('1000')]).toEqual([256 * 2 ** 20, 8 * 2 ** 30, 4096, 2 ** 40, 1000]);
  });
});
