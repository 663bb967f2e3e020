import { ClusterConfig } from '../config/clusters';

/**
 * Values of the Cilium release. cluster/bootstrap.sh installs Cilium with exactly these values
 * (synth writes them to dist/<cluster>/bootstrap/cilium-values.yaml) before Flux runs, so that
 * Flux adopts the release without an upgrade.
 */
export function ciliumValues(cluster: ClusterConfig): Record<string, unknown> {
  return {
    kubeProxyReplacement: true,
    k8sServiceHost: cluster.kubernetesApi.host,
    k8sServicePort: cluster.kubernetesApi.port,
    ipam: { mode: 'kubernetes' },
    operator: { replicas: 1 },
    gatewayAPI: { enabled: true, hostNetwork: { enabled: cluster.gatewayHostNetwork } },
    // Envoy binds the Gateway's port 80 on the node itself when it runs in the host's network.
    envoy: { securityContext: { capabilities: { keepCapNetBindService: cluster.gatewayHostNetwork } } },
    // The agent's metrics on its `prometheus` port (the operator's are on by default), scraped by a
    // PodMonitor of the observability layer: the chart's own ServiceMonitors would need the
    // Prometheus CRDs, which come after Cilium.
    prometheus: { enabled: true },
  };
}
