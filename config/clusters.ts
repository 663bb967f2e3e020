/**
 * The clusters mini-atlas manages and everything that differs between them. Charts and
 * abstractions read these values; nothing else in the code base knows a cluster by name.
 */

/** CPU and memory of one container, as Kubernetes quantities. */
export interface ResourceSize {
  readonly cpu: string;
  readonly memory: string;
}

/** Requests and limits. */
export interface ContainerSize {
  readonly requests: ResourceSize;
  readonly limits: ResourceSize;
}

/**
 * Where the certificates of WebApplication hosts come from: a CA the platform makes in the
 * cluster (a self-signed root, for local clusters whose hosts no public CA can reach), or an
 * ACME server that checks each host over HTTP-01 through the shared Gateway.
 */
export type CertificateAuthority =
  | { readonly kind: 'local-ca' }
  | {
      readonly kind: 'acme';
      /** ACME directory, e.g. Let's Encrypt's production one. */
      readonly server: string;
      /** Account contact: where expiry and policy mail goes. */
      readonly email: string;
    };

export interface ClusterConfig {
  /** Name of the cluster; also its folder in `dist/` and the kind cluster's name. */
  readonly name: string;
  /** Git repository Flux pulls `dist/` from. */
  readonly gitUrl: string;
  /** Branch Flux follows on this cluster. */
  readonly gitBranch: string;
  /** How often Flux reconciles the layers. */
  readonly reconcileInterval: string;
  readonly flux: {
    /**
     * kustomize-controller shards that reconcile the teams' Kustomizations (Flux's horizontal
     * scaling); the main controller keeps the platform's layers. 0 leaves every team on the main
     * controller.
     */
    readonly tenantShards: number;
    /**
     * How often a team's Kustomization reconciles on its own. Pushes reach the cluster through
     * the Receiver, and a new revision of the GitRepository reconciles every Kustomization that
     * reads it, so this is only the safety net that undoes drift and covers a lost webhook.
     */
    readonly tenantInterval: string;
  };
  /**
   * Where Cilium reaches the API server: with kube-proxy replaced there is no Service VIP to
   * reach it through before Cilium itself runs.
   */
  readonly kubernetesApi: { readonly host: string; readonly port: number };
  /**
   * Whether the shared Gateway's Envoy listens on the nodes' own ports (kind, whose ports are
   * mapped to the host) instead of behind a LoadBalancer Service.
   */
  readonly gatewayHostNetwork: boolean;
  /**
   * Whether the kubelets serve self-signed certificates (kind's do), which Metrics Server then
   * reads without verifying them; a real cluster's kubelets have certificates signed by its CA.
   */
  readonly kubeletSelfSignedCerts: boolean;
  readonly kafka: {
    /** Brokers in the shared Kafka cluster; topic replication never exceeds it. */
    readonly brokers: number;
    /** Persistent volume size per broker. */
    readonly storage: string;
  };
  readonly postgres: {
    /** CloudNativePG instances per database (1 primary + replicas). */
    readonly instances: number;
    /** Volume size of each instance when the Infrastructure does not ask for one. */
    readonly storage: string;
  };
  readonly kyverno: {
    /**
     * Replicas of Kyverno's admission controller. More than one gets a disruption budget that
     * keeps all but one available, so a node drain never takes the policies' webhooks down.
     */
    readonly admissionReplicas: number;
  };
  readonly vcluster: {
    /** Size of the virtual control plane pod. */
    readonly controlPlane: ContainerSize;
  };
  /**
   * SOPS with age: teams encrypt their Secrets for this public key (`.sops.yaml`, written by
   * synth, says so to `sops`); its private key exists only in the cluster, in the Secret
   * PLATFORM.sops.keySecret of flux-system, where Flux decrypts with it.
   */
  readonly sops: { readonly ageRecipient: string };
  /** Issuer of the certificates with which the shared Gateway serves each host over HTTPS. */
  readonly certificates: CertificateAuthority;
  /** Size and durability of the observability stack (`monitoring` namespace). */
  readonly observability: ObservabilitySize;
  /** Defaults applied to team containers that do not say otherwise, and the namespace's ceiling. */
  readonly tenant: {
    readonly containerDefaults: ContainerSize;
    readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number; readonly storage: string };
  };
}

/** How long one signal is kept, where, and the size of what keeps it. */
export interface SignalStore {
  /** Retention as the store writes it: `1d` (Prometheus), `72h` (Loki, Tempo). */
  readonly retention: string;
  /** Persistent volume size; undefined keeps the data in an emptyDir, lost with the pod. */
  readonly storage?: string;
  readonly resources: ContainerSize;
}

export interface ObservabilitySize {
  /** Prometheus (metrics). */
  readonly metrics: SignalStore;
  /** Loki (logs). */
  readonly logs: SignalStore;
  /** Tempo (traces). */
  readonly traces: SignalStore;
  /** The Prometheus Operator and kube-state-metrics, each. */
  readonly operator: ContainerSize;
  /** Alloy, the collector of logs and traces. */
  readonly collector: ContainerSize;
  /** prom-label-proxy, through which the teams' Grafana organizations query Prometheus. */
  readonly labelProxy: ContainerSize;
  readonly grafana: ContainerSize & {
    readonly storage?: string;
    /** The organization sync beside Grafana (one organization per team). */
    readonly orgSync: ContainerSize;
    /**
     * Sign-in with GitHub, each team's GitHub teams (its Workspace's `@org/team` owners) mapped
     * to the team's organization. @default none: only Grafana's own `admin` signs in
     */
    readonly github?: GrafanaGitHubLogin;
  };
}

/**
 * A GitHub OAuth app Grafana signs people in with. Its callback URL is
 * `http://localhost:3000/login/github`, Grafana's own URL, which `npm run dashboard` forwards.
 */
export interface GrafanaGitHubLogin {
  /** The OAuth app's client ID (public). */
  readonly clientId: string;
  /**
   * Secret in the monitoring namespace holding the app's client secret under the key
   * `client-secret`: made by hand at bootstrap (like the SOPS key), never in Git.
   */
  readonly clientSecret: string;
}

const SMALL: ContainerSize = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

export const CLUSTERS: readonly ClusterConfig[] = [
  {
    name: 'dev',
    gitUrl: 'https://github.com/mini-atlas/mini-atlas',
    gitBranch: 'main',
    reconcileInterval: '1m',
    // Two shards, so that the kind cluster runs the same topology as prd.
    flux: { tenantShards: 2, tenantInterval: '1h' },
    kubernetesApi: { host: 'dev-control-plane', port: 6443 },
    gatewayHostNetwork: true,
    kubeletSelfSignedCerts: true,
    kafka: { brokers: 1, storage: '5Gi' },
    postgres: { instances: 1, storage: '1Gi' },
    kyverno: { admissionReplicas: 1 },
    vcluster: { controlPlane: SMALL },
    sops: { ageRecipient: 'age18weuzsdvzfdr94xzrnqa63fctehy7tvewsay2qwnjg7ql034p4vslnq6ts' },
    certificates: { kind: 'local-ca' },
    // Requests of the main containers, all told: 410m CPU and 1120 MiB (README, Observability); data in emptyDirs
    // and small volumes, a few days at most: a laptop's kind cluster is for trying things.
    observability: {
      metrics: { retention: '2d', resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
      logs: { retention: '72h', storage: '2Gi', resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
      traces: { retention: '24h', storage: '1Gi', resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } } },
      operator: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      collector: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      labelProxy: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
      grafana: {
        requests: { cpu: '50m', memory: '128Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
        orgSync: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      },
    },
    tenant: {
      containerDefaults: SMALL,
      quota: { cpu: '4', memory: '8Gi', pods: 50, storage: '20Gi' },
    },
  },
  {
    name: 'prd',
    gitUrl: 'https://github.com/mini-atlas/mini-atlas',
    gitBranch: 'release',
    reconcileInterval: '10m',
    // Sized by `npm run capacity`: see the README's capacity model.
    flux: { tenantShards: 4, tenantInterval: '1h' },
    kubernetesApi: { host: 'api.prd.mini-atlas.example.com', port: 6443 },
    gatewayHostNetwork: false,
    kubeletSelfSignedCerts: false,
    kafka: { brokers: 3, storage: '100Gi' },
    postgres: { instances: 3, storage: '20Gi' },
    // Kyverno's guidance for high availability: three admission controller replicas.
    kyverno: { admissionReplicas: 3 },
    vcluster: { controlPlane: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
    sops: { ageRecipient: 'age10uvc73wjjr4wg75s0t3fn0ncugx5cpxgnarup8qh8u2j4fdhkusqf9kwsk' },
    certificates: { kind: 'acme', server: 'https://acme-v02.api.letsencrypt.org/directory', email: 'platform@mini-atlas.example.com' },
    // Durable: every store on a persistent volume, metrics kept 15 days, logs 30, traces 14.
    observability: {
      metrics: { retention: '15d', storage: '50Gi', resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } } },
      logs: { retention: '720h', storage: '50Gi', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } } },
      traces: { retention: '336h', storage: '20Gi', resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
      operator: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      collector: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      labelProxy: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      grafana: {
        requests: { cpu: '100m', memory: '256Mi' },
        limits: { cpu: '1', memory: '1Gi' },
        storage: '5Gi',
        orgSync: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      },
    },
    tenant: {
      containerDefaults: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      quota: { cpu: '16', memory: '32Gi', pods: 200, storage: '200Gi' },
    },
  },
];

/** The cluster called `name`, or undefined. */
export function findCluster(name: string): ClusterConfig | undefined {
  return CLUSTERS.find((cluster) => cluster.name === name);
}

/** Replication the shared Kafka can honour with the cluster's brokers (3 at most, and 1 in a one-broker cluster). */
export function kafkaReplication(cluster: ClusterConfig): { readonly replicas: number; readonly minInSync: number } {
  const replicas = Math.min(3, cluster.kafka.brokers);
  return { replicas, minInSync: Math.max(1, replicas - 1) };
}
