// Ports more than one stage must agree on (generators, firewall rules, lab probes, plan).

/** The Kubernetes API server (K3s serves it on every server). */
export const K3S_API_PORT = 6443;
/** HAProxy's statistics, Prometheus metrics and /healthz page on a load-balancer guest. */
export const STATS_PORT = 8404;
