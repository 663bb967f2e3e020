/**
 * Every version the platform pins, in one place: the charts Flux installs, the tools bootstrap
 * installs, and the Kafka that Strimzi runs. Bumping a version here and running `npm run synth`
 * is the whole upgrade.
 */

/** A Helm chart served by a classic HTTP(S) repository or an OCI registry. */
export interface ChartVersion {
  /** HTTP(S) repository URL, or the OCI repository holding the chart (`oci://.../charts/name`). */
  readonly repository: string;
  /** Chart name inside an HTTP(S) repository; for OCI the last segment of `repository`. */
  readonly chart: string;
  /** Exact chart version: never a range, so every cluster runs what was reviewed. */
  readonly version: string;
  /**
   * Upstream URL of the chart's `values.schema.json` at this version (`{version}` stands for
   * `version`), for charts that ship one: `npm run import` copies it to
   * imports/charts/<chart>.values.schema.json. @default none: the chart ships no values schema
   */
  readonly valuesSchema?: string;
}

export const CHARTS = {
  cilium: { repository: 'https://helm.cilium.io', chart: 'cilium', version: '1.20.0', valuesSchema: 'https://raw.githubusercontent.com/cilium/cilium/v{version}/install/kubernetes/cilium/values.schema.json' },
  kyverno: { repository: 'https://kyverno.github.io/kyverno', chart: 'kyverno', version: '3.9.0' },
  strimzi: { repository: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator', chart: 'strimzi-kafka-operator', version: '1.2.0' },
  cloudnativePg: { repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0', valuesSchema: 'https://raw.githubusercontent.com/cloudnative-pg/charts/cloudnative-pg-v{version}/charts/cloudnative-pg/values.schema.json' },
  kro: { repository: 'oci://registry.k8s.io/kro/charts/kro', chart: 'kro', version: '0.9.3' },
  vcluster: { repository: 'https://charts.loft.sh', chart: 'vcluster', version: '0.30.4', valuesSchema: 'https://raw.githubusercontent.com/loft-sh/vcluster/v{version}/chart/values.schema.json' },
  /** Certificates for every WebApplication host (chart v1.21.1; its CRDs come with it). */
  certManager: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', valuesSchema: 'https://raw.githubusercontent.com/cert-manager/cert-manager/{version}/deploy/charts/cert-manager/values.schema.json' },
  /** The resource metrics API (metrics.k8s.io) that a HorizontalPodAutoscaler on CPU reads; Metrics Server 0.8.1. */
  metricsServer: { repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1' },
} as const satisfies Record<string, ChartVersion>;

export const VERSIONS = {
  /** Flux CLI and controllers installed by cluster/bootstrap.sh. */
  flux: '2.9.4',
  /** Gateway API standard-channel CRDs, installed before Cilium starts. */
  gatewayApi: '1.6.1',
  /** Node image of the local kind cluster. */
  kindNodeImage: 'kindest/node:v1.34.0',
  /** Kafka run by Strimzi 1.2 (supports 4.2.0 to 4.3.1, KRaft only). */
  kafka: { version: '4.3.1', metadataVersion: '4.3-IV0' },
  /** Images the abstractions run next to the team's own. */
  images: {
    valkey: 'docker.io/valkey/valkey:8.1.4-alpine',
  },
} as const;

/** `major.minor` of a version such as `1.20.0` or `v1.6.1`. */
function minor(version: string): string {
  return version.replace(/^v/, '').split('.').slice(0, 2).join('.');
}

/**
 * Gateway API releases (standard channel, `major.minor`) each Cilium minor runs with. Cilium
 * reads the CRDs at its operator's start, and a pair outside this table breaks it: Cilium 1.19
 * indexes TLSRoute `v1alpha2`, which Gateway API serves no more from v1.5 on, and its operator
 * then fails to start (cilium/cilium issues 44920 and 45139). Cilium 1.20 moved to v1.6.1 (its
 * operator's ClusterRole reads `tlsroutes` of the standard channel).
 */
export const CILIUM_GATEWAY_API: Readonly<Record<string, readonly string[]>> = {
  '1.19': ['1.4'],
  '1.20': ['1.6'],
};

/** Why `cilium` cannot run with `gatewayApi`, or undefined when the table says it can. */
export function gatewayApiConflict(cilium: string, gatewayApi: string): string | undefined {
  const supported = CILIUM_GATEWAY_API[minor(cilium)];
  if (!supported) return `Cilium ${cilium} is not in CILIUM_GATEWAY_API of config/versions.ts: add the Gateway API releases it supports`;
  if (supported.includes(minor(gatewayApi))) return undefined;
  return `Cilium ${cilium} does not run with Gateway API ${gatewayApi} (it supports ${supported.map((version) => `v${version}`).join(', ')}): pin the two together in config/versions.ts`;
}

/** Every version of `charts` and `versions` that cannot run with another; synth refuses to render the pinned ones while any is left. */
export function versionConflicts(charts: { readonly cilium: ChartVersion }, versions: { readonly gatewayApi: string }): string[] {
  const conflict = gatewayApiConflict(charts.cilium.version, versions.gatewayApi);
  return conflict ? [conflict] : [];
}
