import { webApplicationApi } from '../../abstractions/web-application/api';
import { ClusterConfig } from '../../config/clusters';
import { isPlainObject } from './merge';
import { Instance, SourceLocation } from './model';
import { formatLocation, Problem } from './problems';

type Locate = (at: readonly string[]) => SourceLocation;

/**
 * A WebApplication's pods: a fixed `replicas` or an `autoscale` range, never both (the Deployment
 * carries no replicas under an autoscaler), and a range whose minimum is not above its maximum.
 */
export function checkScaling(spec: Record<string, unknown>, locate: Locate, error: (at: string[], message: string) => void): void {
  const autoscale = spec.autoscale;
  if (!isPlainObject(autoscale)) return;
  if (spec.replicas !== undefined) {
    error(['spec', 'autoscale'], `spec.replicas (set at ${formatLocation(locate(['spec', 'replicas']))}) and spec.autoscale exclude each other: keep autoscale and remove replicas, or the reverse`);
  }
  const { minReplicas, maxReplicas } = autoscale;
  if (typeof minReplicas === 'number' && typeof maxReplicas === 'number' && minReplicas > maxReplicas) {
    error(['spec', 'autoscale', 'minReplicas'], `spec.autoscale.minReplicas is ${minReplicas}, more than spec.autoscale.maxReplicas, ${maxReplicas} (at ${formatLocation(locate(['spec', 'autoscale', 'maxReplicas']))})`);
  }
}

/**
 * The most pods a WebApplication may run on `cluster` must fit in the namespace's quota by
 * themselves: pods, and the CPU and memory they request (memory is also their limit).
 */
export function checkQuotaFit(application: Instance, cluster: ClusterConfig, locate: Locate, problems: Problem[]): void {
  const { spec } = application;
  const scaled = isPlainObject(spec.autoscale);
  const pods = scaled ? (spec.autoscale as Record<string, unknown>).maxReplicas : (spec.replicas ?? webApplicationApi.spec.replicas.default);
  // A count above its maximum or not a whole number has its own error already; the quota is no
  // second reason to give. One below 1 has its own error too, and needs nothing of the quota.
  if (typeof pods !== 'number' || !Number.isInteger(pods) || pods > webApplicationApi.spec.replicas.maximum) return;
  const cpu = typeof spec.cpu === 'string' ? spec.cpu : webApplicationApi.spec.cpu.default;
  const memory = typeof spec.memory === 'string' ? spec.memory : webApplicationApi.spec.memory.default;
  const quota = cluster.tenant.quota;
  const excess = [
    pods > quota.pods ? `${pods} pods, more than the quota's ${quota.pods}` : undefined,
    pods * milliCpu(cpu) > milliCpu(quota.cpu) ? `${pods} × ${cpu} CPU, more than the quota's ${quota.cpu}` : undefined,
    pods * bytes(memory) > bytes(quota.memory) ? `${pods} × ${memory} memory, more than the quota's ${quota.memory}` : undefined,
  ].filter((text): text is string => text !== undefined);
  if (!excess.length) return;
  const field = scaled ? ['spec', 'autoscale', 'maxReplicas'] : ['spec', 'replicas'];
  problems.push({
    severity: 'error',
    location: locate(field),
    message: `WebApplication ${application.metadata.name}: on cluster ${cluster.name}, ${field.slice(1).join('.')} ${pods} needs ${excess.join(' and ')} (the namespace quota of config/clusters.ts): lower it or the pods' cpu and memory`,
  });
}

/** A CPU quantity (`250m`, `1`, `1.5`) in millicores. */
export function milliCpu(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A memory quantity with a binary suffix (`256Mi`, `8Gi`), or plain bytes, in bytes. */
export function bytes(quantity: string): number {
  const suffix = quantity.slice(-2);
  return suffix in BINARY_SUFFIXES ? Number(quantity.slice(0, -2)) * BINARY_SUFFIXES[suffix] : Number(quantity);
}
