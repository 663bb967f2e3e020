import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm } from '../imports/certmanager-certificate-cert-manager.io';
import { ClusterIssuer } from '../imports/certmanager-clusterissuer-cert-manager.io';
import { CertificateAuthority } from '../config/clusters';
import { PLATFORM } from '../config/platform';

export interface CertificateIssuersProps {
  /** Where the cluster's certificates come from. */
  readonly authority: CertificateAuthority;
}

const { namespace, issuer, rootIssuer, caSecret } = PLATFORM.certificates;

/**
 * The ClusterIssuer every WebApplication's certificate names, PLATFORM.certificates.issuer:
 * on a local cluster a CA whose root the platform makes itself (a self-signed issuer signs the
 * root, a CA issuer signs the hosts with it; bootstrap says how to trust it), elsewhere an ACME
 * account that proves each host over HTTP-01 through the shared Gateway.
 */
export class CertificateIssuers extends Construct {
  constructor(scope: Construct, id: string, props: CertificateIssuersProps) {
    super(scope, id);
    if (props.authority.kind === 'local-ca') this.addLocalCa();
    else this.addAcme(props.authority.server, props.authority.email);
  }

  private addLocalCa(): void {
    new ClusterIssuer(this, 'root-issuer', { metadata: { name: rootIssuer }, spec: { selfSigned: {} } });
    new Certificate(this, 'root', {
      metadata: { name: caSecret, namespace },
      spec: {
        isCa: true,
        commonName: 'mini-atlas local CA',
        secretName: caSecret,
        duration: '87600h',
        privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
        issuerRef: { kind: 'ClusterIssuer', name: rootIssuer, group: 'cert-manager.io' },
      },
    });
    // A ClusterIssuer reads its CA from cert-manager's own namespace (its cluster resource namespace).
    new ClusterIssuer(this, 'issuer', { metadata: { name: issuer }, spec: { ca: { secretName: caSecret } } });
  }

  private addAcme(server: string, email: string): void {
    new ClusterIssuer(this, 'issuer', {
      metadata: { name: issuer },
      spec: {
        acme: {
          server,
          email,
          privateKeySecretRef: { name: `${issuer}-acme-account` },
          solvers: [
            {
              http01: {
                // cert-manager puts a temporary HTTPRoute for the challenge path beside the
                // certificate, on the Gateway's plain HTTP listener; an exact path outranks the
                // application's redirect to HTTPS for the same host.
                gatewayHttpRoute: {
                  parentRefs: [{ name: PLATFORM.gateway.name, namespace: PLATFORM.gateway.namespace, kind: 'Gateway', sectionName: PLATFORM.gateway.httpListener }],
                  // The solver pod runs in the team's namespace, which enforces the restricted
                  // profile; cert-manager gives it no pod security context of its own.
                  podTemplate: { spec: { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } } },
                },
              },
            },
          ],
        },
      },
    });
  }
}
