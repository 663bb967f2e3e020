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
  /**
   * OCI only: the digest of the chart artifact at `version`, which Flux then pulls instead of
   * whatever the tag points at now (a registry can repoint a tag). `npm run import` resolves the
   * tag online and prints the digest to paste here. @default none: the tag alone, which
   * `exceptions.digest` must explain
   */
  readonly digest?: string;
  /**
   * OCI only: the keyless cosign identity that signs the chart artifact (the Fulcio
   * certificate's OIDC issuer and subject, matched exactly), which Flux checks before it uses the
   * chart (OCIRepository `spec.verify`). @default none: not checked, which `exceptions.signature`
   * must explain
   */
  readonly cosign?: CosignIdentity;
  /**
   * OCI only: why a check is missing, one sentence per missing check (`digest`, `signature`);
   * synth refuses an OCI chart lacking one without a reason, prints each reason in its summary,
   * and test/supply-chain/ lists them. @default none: nothing missing
   */
  readonly exceptions?: { readonly digest?: string; readonly signature?: string };
  /**
   * HTTP(S) only: SHA-256 of the chart archive at `version` (its `digest` in the repository's
   * index), for installs outside Flux: bootstrap checks Cilium's before installing it.
   * @default none
   */
  readonly archiveSha256?: string;
}

/** Who signs an artifact keylessly: the OIDC issuer and subject of the signing certificate. */
export interface CosignIdentity {
  readonly issuer: string;
  readonly subject: string;
}

export const CHARTS = {
  // The archive helm.cilium.io serves from github.com/cilium/charts, whose index lists the same digest.
  cilium: {
    repository: 'https://helm.cilium.io',
    chart: 'cilium',
    version: '1.20.0',
    valuesSchema: 'https://raw.githubusercontent.com/cilium/cilium/v{version}/install/kubernetes/cilium/values.schema.json',
    archiveSha256: 'c5f013912360d1a334f44ef25f36da59ba3414cdb48f466ee12d0c4fdff27883',
  },
  kyverno: { repository: 'https://kyverno.github.io/kyverno', chart: 'kyverno', version: '3.9.0' },
  strimzi: {
    repository: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator',
    chart: 'strimzi-kafka-operator',
    version: '1.2.0',
    exceptions: {
      digest: 'no registry was reachable where it was pinned and no trustworthy copy of the digest was found; `npm run import` online prints the digest to paste',
      signature: 'Strimzi signs its container images with cosign, not the chart: its release workflow pushes the chart with `helm push` and gives it only a GitHub build-provenance attestation, which Flux cannot check',
    },
  },
  cloudnativePg: { repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0', valuesSchema: 'https://raw.githubusercontent.com/cloudnative-pg/charts/cloudnative-pg-v{version}/charts/cloudnative-pg/values.schema.json' },
  // The digest registry.k8s.io serves for 0.9.3: the one its promotion copied from staging
  // (kubernetes/k8s.io pull request 9770, "promote kro v0.9.3 image and helm chart"). The
  // promotion signs what it promotes: kpromo signs every promoted digest keylessly as
  // krel-trust@k8s-releng-prod (kubernetes-sigs/promo-tools, internal/promoter/image/sign.go and
  // promoter/image/options/options.go; kubernetes.io blog "The Invisible Rewrite", 2026-03-17).
  kro: {
    repository: 'oci://registry.k8s.io/kro/charts/kro',
    chart: 'kro',
    // The tag kro's release pushes (`helm push` of the chart at its Git tag, `v0.9.3`; the pull
    // request above resolved `charts/kro:v0.9.3`); helm's `--version 0.9.3` finds it by semver.
    version: 'v0.9.3',
    digest: 'sha256:e0a333049dc8f92f1485b550554344eca90856377fa3c3868d558b5aa25880fb',
    cosign: { issuer: 'https://accounts.google.com', subject: 'krel-trust@k8s-releng-prod.iam.gserviceaccount.com' },
  },
  vcluster: { repository: 'https://charts.loft.sh', chart: 'vcluster', version: '0.30.4', valuesSchema: 'https://raw.githubusercontent.com/loft-sh/vcluster/v{version}/chart/values.schema.json' },
  /** Certificates for every WebApplication host (chart v1.21.1; its CRDs come with it). */
  certManager: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', valuesSchema: 'https://raw.githubusercontent.com/cert-manager/cert-manager/{version}/deploy/charts/cert-manager/values.schema.json' },
  /** The resource metrics API (metrics.k8s.io) that a HorizontalPodAutoscaler on CPU reads; Metrics Server 0.8.1. */
  metricsServer: { repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1' },
  /** Prometheus Operator (v0.93.1), its CRDs, Prometheus and kube-state-metrics. */
  kubePrometheusStack: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.5.3' },
  /** Loki 3.7.6. The Grafana, Loki and Tempo charts moved to grafana-community in 2026. */
  loki: {
    repository: 'https://grafana-community.github.io/helm-charts',
    chart: 'loki',
    version: '18.11.0',
    valuesSchema: 'https://raw.githubusercontent.com/grafana-community/helm-charts/loki-{version}/charts/loki/values.schema.json',
  },
  /** Tempo 2.10.8, single binary. */
  tempo: { repository: 'https://grafana-community.github.io/helm-charts', chart: 'tempo', version: '2.2.4' },
  /** Grafana Alloy v1.18.1, the collector. */
  alloy: { repository: 'https://grafana.github.io/helm-charts', chart: 'alloy', version: '1.11.1' },
  /** Grafana 13.2.0. */
  grafana: { repository: 'https://grafana-community.github.io/helm-charts', chart: 'grafana', version: '12.11.1' },
  /**
   * prom-label-proxy v0.13.0 (chart 0.22.0): in front of Prometheus, it adds the team's
   * `namespace` matcher to every query of a team's Grafana organization.
   */
  promLabelProxy: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prom-label-proxy', version: '0.22.0' },
} as const satisfies Record<string, ChartVersion>;

export const VERSIONS = {
  /** Flux CLI and controllers installed by cluster/bootstrap.sh. */
  flux: '2.9.4',
  /** Gateway API standard-channel CRDs, installed before Cilium starts. */
  gatewayApi: '1.6.1',
  /**
   * Node image of the local kind cluster, by digest (the one kind v0.30.0's release notes give
   * for it; kind tests node images only at exact digests).
   */
  kindNodeImage: 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
  /** Kafka run by Strimzi 1.2 (supports 4.2.0 to 4.3.1, KRaft only). */
  kafka: { version: '4.3.1', metadataVersion: '4.3-IV0' },
  /**
   * Images the abstractions run next to the team's own, by digest (the registry can repoint a
   * tag); the tag stays for readers. The digest is that of the multi-architecture index.
   */
  images: {
    valkey: 'docker.io/valkey/valkey:8.1.4-alpine@sha256:e706d1213aaba6896c162bb6a3a9e1894e1a435f28f8f856d14fab2e10aa098b',
  },
} as const;

/**
 * What cluster/bootstrap.sh applies before Flux runs, by folder of `cluster/`: `npm run import`
 * copies each file there from these URLs, with a SHA256SUMS that bootstrap checks before it
 * applies anything. Gateway API: the standard-channel CRDs Cilium's operator requires
 * (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant) and ListenerSet.
 */
export const BOOTSTRAP_MANIFESTS: Readonly<Record<string, readonly string[]>> = {
  'gateway-api': ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants', 'listenersets'].map(
    (plural) => `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v${VERSIONS.gatewayApi}/config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`,
  ),
};

/** A tool downloaded to run (by the e2e workflow, or cluster/install-tools.sh for people). */
export interface ToolDownload {
  /** Release, as in the download URL. */
  readonly version: string;
  /** The Linux amd64 download (CI runners and most laptops' kind hosts). */
  readonly url: string;
  /** SHA-256 of the download, as its publisher lists it next to it; checked before anything runs. */
  readonly sha256: string;
  /** Path of the binary inside a `.tar.gz` download. @default the download is the binary */
  readonly binary?: string;
}

/**
 * The tools the e2e workflow installs, each with the SHA-256 of its download. A version bump is
 * a bump of its checksum in the same line: the publishers list them next to each asset (kind:
 * `<asset>.sha256sum`; kubectl: `<binary>.sha256` on dl.k8s.io; helm: `<archive>.sha256sum`;
 * Flux: `flux_<version>_checksums.txt`).
 */
export const TOOLS = {
  kind: {
    version: 'v0.30.0',
    url: 'https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-amd64',
    sha256: '517ab7fc89ddeed5fa65abf71530d90648d9638ef0c4cde22c2c11f8097b8889',
  },
  kubectl: {
    version: 'v1.34.1',
    url: 'https://dl.k8s.io/release/v1.34.1/bin/linux/amd64/kubectl',
    sha256: '7721f265e18709862655affba5343e85e1980639395d5754473dafaadcaa69e3',
  },
  helm: {
    version: 'v3.19.0',
    url: 'https://get.helm.sh/helm-v3.19.0-linux-amd64.tar.gz',
    sha256: 'a7f81ce08007091b86d8bd696eb4d86b8d0f2e1b9f6c714be62f82f96a594496',
    binary: 'linux-amd64/helm',
  },
  /** The CLI must be the controllers' version: `flux install` then uses its embedded manifests instead of downloading them. */
  flux: {
    version: VERSIONS.flux,
    url: `https://github.com/fluxcd/flux2/releases/download/v${VERSIONS.flux}/flux_${VERSIONS.flux}_linux_amd64.tar.gz`,
    sha256: 'c2c397a52930f52d2005c01d276116b059d062de379386d58e98115380a766a2',
    binary: 'flux',
  },
} as const satisfies Record<string, ToolDownload>;

/** The tag of an image reference pinned as `repository:tag@sha256:...`, for readers. */
export function imageTag(image: string): string {
  const name = image.split('@')[0];
  return name.slice(name.lastIndexOf(':') + 1);
}

/** `major.minor` of a version such as `1.20.0` or `v1.6.1`. */
function minor(version: string): string {
  // Stryker disable next-line Regex: a version has no other v before its minor, anchored or not
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
  // Stryker disable next-line StringLiteral: every Cilium in the table supports one Gateway API minor, so no separator shows
  return `Cilium ${cilium} does not run with Gateway API ${gatewayApi} (it supports ${supported.map((version) => `v${version}`).join(', ')}): pin the two together in config/versions.ts`;
}

/** An OCI chart's check that is missing on purpose, and why. */
export interface SupplyChainException {
  /** The key of the chart in CHARTS. */
  readonly name: string;
  readonly chart: ChartVersion;
  readonly check: 'digest' | 'signature';
  readonly reason: string;
}

/** Whether `chart` is served by an OCI registry (its repository is `oci://...`). */
export function isOciChart(chart: ChartVersion): boolean {
  return chart.repository.startsWith('oci://');
}

/** The checks each OCI chart lacks, with the reason `exceptions` gives, in the order of `charts`. */
export function supplyChainExceptions(charts: Readonly<Record<string, ChartVersion>>): SupplyChainException[] {
  return Object.entries(charts).flatMap(([name, chart]) =>
    (['digest', 'signature'] as const).flatMap((check) => {
      const reason = chart.exceptions?.[check];
      return reason === undefined ? [] : [{ name, chart, check, reason }];
    }),
  );
}

/**
 * What is wrong with how `chart` (CHARTS.`name`) pins its supply chain: an OCI chart without a
 * digest or a signature check must say why, and only a missing check may have a reason.
 */
function supplyChainConflicts(name: string, chart: ChartVersion): string[] {
  const where = `CHARTS.${name} in config/versions.ts`;
  if (!isOciChart(chart)) {
    const ociOnly = (['digest', 'cosign', 'exceptions'] as const).filter((field) => chart[field] !== undefined);
    return ociOnly.length ? [`${where} is an HTTP(S) chart but sets ${ociOnly.join(', ')}, which only an OCI chart has: an HTTP(S) chart is pinned by its exact version (and archiveSha256 where bootstrap installs it)`] : [];
  }
  const present = { digest: chart.digest !== undefined, signature: chart.cosign !== undefined };
  const hints = {
    digest: 'run `npm run import` online and paste the digest it prints',
    signature: 'set cosign to the identity that signs the chart, if its publisher signs it',
  };
  return (['digest', 'signature'] as const).flatMap((check) => {
    const reason = chart.exceptions?.[check];
    if (!present[check] && reason === undefined) return [`${where} has no ${check === 'digest' ? 'digest' : 'cosign identity'} and says no why: ${hints[check]}, or give the reason in exceptions.${check}`];
    if (present[check] && reason !== undefined) return [`${where} has a ${check === 'digest' ? 'digest' : 'cosign identity'} and still gives exceptions.${check}: remove the reason`];
    return [];
  });
}

/** Every version of `charts` and `versions` that cannot run with another, or pins less than it says; synth refuses to render the pinned ones while any is left. */
export function versionConflicts(charts: Readonly<Record<string, ChartVersion>> & { readonly cilium: ChartVersion }, versions: { readonly gatewayApi: string }): string[] {
  const conflict = gatewayApiConflict(charts.cilium.version, versions.gatewayApi);
  return [...(conflict ? [conflict] : []), ...Object.entries(charts).flatMap(([name, chart]) => supplyChainConflicts(name, chart))];
}
