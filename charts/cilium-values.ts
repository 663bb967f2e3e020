import { ClusterConfig } from '../config/clusters';

/**
 * Capabilities the Cilium chart grants the `cilium-envoy` container by default
 * (`envoy.securityContext.capabilities.envoy` in the chart's values.yaml at 1.20.0). A value
 * replaces the whole list, so a release that adds one must repeat these.
 */
export const ENVOY_DEFAULT_CAPABILITIES = ['NET_ADMIN', 'SYS_ADMIN'] as const;

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
    envoy: { securityContext: { capabilities: envoyCapabilities(cluster.gatewayHostNetwork) } },
  };
}

/**
 * In the host's network Envoy binds the Gateway's ports 80 and 443 on the node itself, which
 * takes NET_BIND_SERVICE. The chart's `cilium-envoy-starter` drops every capability before it
 * starts Envoy and keeps only this one, with `keepCapNetBindService` (which adds
 * `--keep-cap-net-bind-service`), and only if the container was granted it.
 */
function envoyCapabilities(hostNetwork: boolean): Record<string, unknown> {
  if (!hostNetwork) return { keepCapNetBindService: false };
  return { keepCapNetBindService: true, envoy: [...ENVOY_DEFAULT_CAPABILITIES, 'NET_BIND_SERVICE'] };
}
