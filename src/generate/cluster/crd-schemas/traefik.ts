// traefik.io/v1alpha1 Middleware, from traefik-helm-chart traefik/crds (Traefik v3.7): one kind of
// middleware per object; only the headers middleware is checked field by field.
import { bool, closed, customResource, int, str, type Schema } from "./structural-schema.js";

const headers = closed(
  {
    stsSeconds: int,
    stsIncludeSubdomains: bool,
    stsPreload: bool,
    contentTypeNosniff: bool,
    frameDeny: bool,
    browserXssFilter: bool,
    referrerPolicy: str,
  },
  [],
  [
    "accessControlAllowCredentials",
    "accessControlAllowHeaders",
    "accessControlAllowMethods",
    "accessControlAllowOriginList",
    "accessControlAllowOriginListRegex",
    "accessControlExposeHeaders",
    "accessControlMaxAge",
    "addVaryHeader",
    "allowedHosts",
    "contentSecurityPolicy",
    "contentSecurityPolicyReportOnly",
    "customBrowserXSSValue",
    "customFrameOptionsValue",
    "customRequestHeaders",
    "customResponseHeaders",
    "featurePolicy",
    "forceSTSHeader",
    "hostsProxyHeaders",
    "isDevelopment",
    "permissionsPolicy",
    "publicKey",
    "sslProxyHeaders",
  ],
);

const spec: Schema = closed(
  { headers },
  [],
  [
    "addPrefix",
    "basicAuth",
    "buffering",
    "chain",
    "circuitBreaker",
    "compress",
    "contentType",
    "digestAuth",
    "encodedCharacters",
    "errors",
    "forwardAuth",
    "grpcWeb",
    "inFlightReq",
    "ipAllowList",
    "ipWhiteList",
    "passTLSClientCert",
    "plugin",
    "rateLimit",
    "redirectRegex",
    "redirectScheme",
    "replacePath",
    "replacePathRegex",
    "retry",
    "stripPrefix",
    "stripPrefixRegex",
  ],
);

export const middleware = customResource("traefik.io/v1alpha1", "Middleware", spec, {
  namespaced: true,
  specRequired: true,
});
