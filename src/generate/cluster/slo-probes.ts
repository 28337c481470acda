// What measures the SLOs in the cluster: the blackbox exporter fetches each service's URL the way a
// user does (its DNS name, the ingress, TLS) and Prometheus scrapes one probe per service and interval.
// The names resolve through the lab's DNS, so a record still naming a dead node (seed 003's outage)
// costs the budget like any other failure.
import type { Model } from "../../model/model.js";
import { SLI_SERVICE_LABEL, SLO_PROBE_JOB } from "../../model/slo.js";
import type { HelmSource } from "./component.js";
import { resources } from "./hardening.js";
import { MONITORING_NAMESPACE, toAddresses, type NetworkRule } from "./network-policy.js";
import { serviceSlos } from "./slo.js";
import { chartPin } from "./versions.js";

// The release name contains the chart's name, so the Service is named after the release alone
// (templates/_helpers.tpl, prometheus-blackbox-exporter.fullname, at prometheus-blackbox-exporter-11.17.2);
// its port is values.yaml's service.port.
const RELEASE = "prometheus-blackbox-exporter";
const EXPORTER_PORT = 9115;
const MODULE = "hlab_http";
/** A probe slower than this failed: what a user would wait before retrying. */
const PROBE_TIMEOUT = "5s";
const PROBE_INTERVAL = "30s";

/** The blackbox exporter, when there are SLOs to measure. */
export function sloProbeChart(model: Model): HelmSource | undefined {
  if (serviceSlos(model).length === 0) return undefined;
  return {
    pin: chartPin("prometheus-blackbox-exporter"),
    releaseName: RELEASE,
    values: {
      // Module fields: prometheus/blackbox_exporter v0.28.0, CONFIGURATION.md (<http_probe>, <tls_config>).
      // Certificates come from the lab's own CA, which the exporter does not hold: their validity is
      // CertificateNotReady's and CertificateExpiresSoon's business, availability is this probe's.
      config: {
        modules: {
          [MODULE]: {
            prober: "http",
            timeout: PROBE_TIMEOUT,
            http: {
              valid_http_versions: ["HTTP/1.1", "HTTP/2.0"],
              follow_redirects: true,
              preferred_ip_protocol: "ip4",
              tls_config: { insecure_skip_verify: true },
            },
          },
        },
      },
      resources: resources({ cpuMillis: 50, memoryMiB: 64 }),
    },
  };
}

/**
 * The scrape job: one target per URL, rewritten to a /probe request to the exporter (the relabelling of
 * prometheus/blackbox_exporter's README, "Prometheus Configuration"), labelled with the spec's service.
 */
export function sloScrapeConfigs(model: Model): Record<string, unknown>[] {
  const slos = serviceSlos(model);
  if (slos.length === 0) return [];
  return [
    {
      job_name: SLO_PROBE_JOB,
      metrics_path: "/probe",
      scrape_interval: PROBE_INTERVAL,
      params: { module: [MODULE] },
      static_configs: slos.map((s) => ({ targets: [s.url], labels: { [SLI_SERVICE_LABEL]: s.service } })),
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        {
          target_label: "__address__",
          replacement: `${RELEASE}.${MONITORING_NAMESPACE}.svc:${EXPORTER_PORT}`,
        },
      ],
    },
  ];
}

/** The probes leave through the ingress address (and the guests of services run outside the cluster). */
export function sloProbeNetwork(model: Model): NetworkRule[] {
  const slos = serviceSlos(model);
  if (slos.length === 0) return [];
  const rules: NetworkRule[] = [];
  const ingress = model.kubernetes?.ingress.address;
  if (ingress) rules.push(toAddresses([ingress], [443], "the SLO probes, through the ingress"));
  for (const s of model.services.filter((x) => x.on.length && slos.some((o) => o.service === x.name))) {
    const addresses = model.guests
      .filter((g) => s.on.includes(g.name))
      .flatMap((g) => Object.values(g.address));
    if (addresses.length)
      rules.push(toAddresses([...new Set(addresses)].sort(), [s.port], `the SLO probes of ${s.name}`));
  }
  return rules;
}
