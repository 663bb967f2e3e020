import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { HelmRepository } from '../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { OciRepository, OciRepositorySpecLayerSelectorOperation, OciRepositorySpecVerify, OciRepositorySpecVerifyProvider } from '../imports/flux-ocirepository-source.toolkit.fluxcd.io';
import { PLATFORM } from '../config/platform';
import { CHARTS, ChartVersion, CosignIdentity, isOciChart } from '../config/versions';

/** The platform charts Flux installs; the vcluster chart is pulled per team by its abstraction. */
export const PLATFORM_CHARTS = ['cilium', 'kyverno', 'strimzi', 'cloudnativePg', 'kro', 'metricsServer', 'certManager', 'kubePrometheusStack', 'promLabelProxy', 'loki', 'tempo', 'alloy', 'grafana'] as const;
export type PlatformChart = (typeof PLATFORM_CHARTS)[number];

/** Name of the Flux source object serving `chart`. */
export function chartSourceName(chart: ChartVersion): string {
  return chart.chart;
}

export interface HelmRepositoriesChartProps extends ChartProps {
  /** How often Flux looks for new chart metadata. */
  readonly interval: string;
}

/**
 * Flux sources for the platform charts: a HelmRepository for an HTTP(S) repository and, for an
 * OCI chart, an OCIRepository pinned to the chart's tag and, where known, its digest, checking
 * the publisher's keyless cosign signature where it signs the chart (HelmRelease then uses
 * `chartRef`).
 * They live in flux-system beside the HelmReleases: with cross-namespace references locked
 * down, a release can only use a source of its own namespace.
 */
export class HelmRepositoriesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: HelmRepositoriesChartProps) {
    super(scope, id, props);
    for (const name of PLATFORM_CHARTS) {
      const chart: ChartVersion = CHARTS[name];
      if (isOciChart(chart)) this.addOciRepository(chart, props.interval);
      else this.addHelmRepository(chart, props.interval);
    }
  }

  private addHelmRepository(chart: ChartVersion, interval: string): void {
    new HelmRepository(this, chart.chart, {
      metadata: { name: chartSourceName(chart), namespace: PLATFORM.fluxNamespace },
      spec: { url: chart.repository, interval },
    });
  }

  private addOciRepository(chart: ChartVersion, interval: string): void {
    new OciRepository(this, chart.chart, {
      metadata: { name: chartSourceName(chart), namespace: PLATFORM.fluxNamespace },
      spec: {
        url: chart.repository,
        interval,
        // With a digest, Flux pulls exactly it; the tag stays for readers.
        ref: { tag: chart.version, ...(chart.digest ? { digest: chart.digest } : {}) },
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: OciRepositorySpecLayerSelectorOperation.COPY },
        ...(chart.cosign ? { verify: cosignVerification(chart.cosign) } : {}),
      },
    });
  }
}

/**
 * Keyless cosign verification by exactly `identity`: Flux matches issuer and subject as regular
 * expressions, so both are anchored and escaped. Without a public key Flux checks the Fulcio
 * certificate and the Rekor entry (source-controller's OCIRepository "Keyless verification").
 */
export function cosignVerification(identity: CosignIdentity): OciRepositorySpecVerify {
  return { provider: OciRepositorySpecVerifyProvider.COSIGN, matchOidcIdentity: [{ issuer: exactly(identity.issuer), subject: exactly(identity.subject) }] };
}

/** A Go regular expression matching `text` and nothing else. */
function exactly(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}
