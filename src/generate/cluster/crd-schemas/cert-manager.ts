// cert-manager.io/v1 Certificate and ClusterIssuer, from cert-manager deploy/crds (v1.21): a
// Certificate needs issuerRef and secretName; a CA issuer needs its secretName.
import { bool, closed, customResource, enumOf, int, str, strings, type Schema } from "./structural-schema.js";

const certificateSpec: Schema = closed(
  {
    isCA: bool,
    commonName: str,
    dnsNames: strings,
    secretName: str,
    duration: str,
    renewBefore: str,
    usages: strings,
    privateKey: closed({
      algorithm: enumOf("RSA", "ECDSA", "Ed25519"),
      encoding: enumOf("PKCS1", "PKCS8"),
      rotationPolicy: enumOf("Never", "Always"),
      size: int,
    }),
    issuerRef: closed({ name: str, kind: str, group: str }, ["name"]),
  },
  ["issuerRef", "secretName"],
  [
    "additionalOutputFormats",
    "emailAddresses",
    "encodeUsagesInRequest",
    "ipAddresses",
    "keystores",
    "literalSubject",
    "nameConstraints",
    "otherNames",
    "renewBeforePercentage",
    "renewal",
    "revisionHistoryLimit",
    "secretTemplate",
    "signatureAlgorithm",
    "subject",
    "uris",
  ],
);

const issuerSpec: Schema = closed(
  {
    selfSigned: closed({ crlDistributionPoints: strings }),
    ca: closed(
      {
        secretName: str,
        crlDistributionPoints: strings,
        issuingCertificateURLs: strings,
        ocspServers: strings,
      },
      ["secretName"],
    ),
  },
  [],
  ["acme", "vault", "venafi"],
);

export const certificate = customResource("cert-manager.io/v1", "Certificate", certificateSpec, {
  namespaced: true,
  specRequired: false,
});
export const clusterIssuer = customResource("cert-manager.io/v1", "ClusterIssuer", issuerSpec, {
  namespaced: false,
  specRequired: true,
});
