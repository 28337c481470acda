// monitoring.coreos.com/v1 PrometheusRule and PodMonitor, from prometheus-operator-crds 31.0.1
// (operator v0.93.1): a rule needs expr, a group needs a name, durations follow Prometheus' syntax.
import { closed, customResource, int, str, stringMap, type Schema } from "./structural-schema.js";

const DURATION =
  "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";
const duration: Schema = { type: "string", pattern: DURATION };

const rule = closed(
  {
    alert: str,
    record: str,
    expr: { intOrString: true },
    for: duration,
    keep_firing_for: duration,
    labels: stringMap,
    annotations: stringMap,
  },
  ["expr"],
);

const group = closed(
  {
    name: str,
    interval: duration,
    query_offset: duration,
    limit: int,
    labels: stringMap,
    rules: { type: "array", items: rule },
  },
  ["name"],
  ["partial_response_strategy"],
);

const endpoint = closed(
  { port: str, path: str, interval: duration, scrapeTimeout: duration },
  [],
  [
    "authorization",
    "basicAuth",
    "bearerTokenSecret",
    "enableHttp2",
    "filterRunning",
    "followRedirects",
    "honorLabels",
    "honorTimestamps",
    "metricRelabelings",
    "noProxy",
    "oauth2",
    "params",
    "portNumber",
    "proxyConnectHeader",
    "proxyFromEnvironment",
    "proxyUrl",
    "relabelings",
    "scheme",
    "targetPort",
    "tlsConfig",
    "trackTimestampsStaleness",
  ],
);

const podMonitorSpec = closed(
  {
    selector: closed({ matchLabels: stringMap }, [], ["matchExpressions"]),
    podMetricsEndpoints: { type: "array", items: endpoint },
    jobLabel: str,
  },
  ["selector"],
  [
    "attachMetadata",
    "bodySizeLimit",
    "convertClassicHistogramsToNHCB",
    "fallbackScrapeProtocol",
    "keepDroppedTargets",
    "labelLimit",
    "labelNameLengthLimit",
    "labelValueLengthLimit",
    "namespaceSelector",
    "nativeHistogramBucketLimit",
    "nativeHistogramMinBucketFactor",
    "podTargetLabels",
    "sampleLimit",
    "scrapeClass",
    "scrapeClassicHistograms",
    "scrapeNativeHistograms",
    "scrapeProtocols",
    "selectorMechanism",
    "targetLimit",
  ],
);

export const prometheusRule = customResource(
  "monitoring.coreos.com/v1",
  "PrometheusRule",
  closed({ groups: { type: "array", items: group } }),
  {
    namespaced: true,
    specRequired: true,
  },
);
export const podMonitor = customResource("monitoring.coreos.com/v1", "PodMonitor", podMonitorSpec, {
  namespaced: true,
  specRequired: true,
});
