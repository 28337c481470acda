// kube-vip holds the API VIP by leader election among the K3s servers, answering ARP for it on the
// leader. Deployed as a DaemonSet plus RBAC in K3s's auto-deploy folder of every server, so whichever
// server starts first brings the VIP up and the others can join through it. Leader election timings
// come from the spec.
import { stringify } from "yaml";
import type { Kubernetes, Model } from "../../model/model.js";
import { guestInterface } from "../../model/interfaces.js";
import { kubeVipSeconds } from "../../model/kube-vip-timings.js";
import { hashHeader, nodeFile, type GeneratedFile, type Generator } from "../../artifact/artifact.js";
import { clusterNetwork, K3S_MANIFESTS, k3sNodes } from "../../topology/k3s-nodes.js";
import { K3S_API_PORT } from "../../topology/ports.js";
import { kubeVipApi } from "../../topology/vips.js";

export { KUBE_VIP_IMAGE } from "../../model/versions.js";
import { KUBE_VIP_IMAGE } from "../../model/versions.js";
const NAMESPACE = "kube-system";
const LABELS = { "app.kubernetes.io/name": "kube-vip", "app.kubernetes.io/managed-by": "hlab" };

function rbac(): unknown[] {
  return [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "kube-vip", namespace: NAMESPACE, labels: LABELS },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      // The rules of upstream's generator, kube-vip/kube-vip v1.2.3 pkg/kubevip/config_generator.go
      // (GenerateSA's role), in its order.
      metadata: {
        name: "system:kube-vip-role",
        labels: LABELS,
        annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
      },
      rules: [
        { apiGroups: [""], resources: ["services/status"], verbs: ["update"] },
        { apiGroups: [""], resources: ["services", "endpoints"], verbs: ["list", "get", "watch", "update"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["list", "get", "watch", "update", "patch"] },
        {
          apiGroups: ["coordination.k8s.io"],
          resources: ["leases"],
          verbs: ["list", "get", "watch", "update", "create"],
        },
        {
          apiGroups: ["discovery.k8s.io"],
          resources: ["endpointslices"],
          verbs: ["list", "get", "watch", "update"],
        },
        { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "system:kube-vip-binding", labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:kube-vip-role" },
      subjects: [{ kind: "ServiceAccount", name: "kube-vip", namespace: NAMESPACE }],
    },
  ];
}

function env(k8s: Kubernetes, iface: string): { name: string; value: string }[] {
  const vars: [string, string][] = [
    ["vip_arp", "true"],
    ["port", String(K3S_API_PORT)],
    ["vip_interface", iface],
    ["vip_subnet", "32"],
    ["dns_mode", "first"],
    ["cp_enable", "true"],
    ["cp_namespace", NAMESPACE],
    // Control plane only: LoadBalancer services are MetalLB's, and ingress through the VIP reaches
    // Traefik on the host ports of whichever server holds it.
    ["svc_enable", "false"],
    ["vip_leaderelection", "true"],
    ["vip_leasename", "plndr-cp-lock"],
    ["vip_leaseduration", kubeVipSeconds(k8s.kubeVip.leaseMs)],
    ["vip_renewdeadline", kubeVipSeconds(k8s.kubeVip.renewMs)],
    ["vip_retryperiod", kubeVipSeconds(k8s.kubeVip.retryMs)],
    ["address", k8s.api.vip!],
  ];
  return vars.map(([name, value]) => ({ name, value }));
}

function daemonSet(k8s: Kubernetes, name: string, iface: string, hosts: string[] | undefined): unknown {
  const match: unknown[] = [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }];
  if (hosts) match.push({ key: "kubernetes.io/hostname", operator: "In", values: hosts });
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: NAMESPACE, labels: LABELS },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": name } },
      updateStrategy: { type: "RollingUpdate" },
      template: {
        metadata: { labels: { ...LABELS, "app.kubernetes.io/name": name } },
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: match }],
              },
            },
          },
          hostNetwork: true,
          serviceAccountName: "kube-vip",
          tolerations: [
            { effect: "NoSchedule", operator: "Exists" },
            { effect: "NoExecute", operator: "Exists" },
          ],
          containers: [
            {
              name: "kube-vip",
              image: KUBE_VIP_IMAGE,
              imagePullPolicy: "IfNotPresent",
              args: ["manager"],
              env: env(k8s, iface),
              securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}

const yamlStream = (docs: unknown[]): string => docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");

export const kubeVipGenerator: Generator = {
  name: "kube-vip",
  generate(model: Model): GeneratedFile[] {
    const k8s = model.kubernetes;
    const vip = kubeVipApi(model);
    if (!k8s || !vip) return [];
    const servers = k3sNodes(model).filter((n) => vip.candidates.includes(n.guest.name));
    // The VIP's interface is named after its network on VMs, but bare-metal servers keep their NIC
    // names: servers that differ get their own DaemonSet, all sharing one leader-election lease.
    const byIface = new Map<string, string[]>();
    for (const s of servers) {
      const iface = guestInterface(model, s.guest, clusterNetwork(k8s, s.guest));
      byIface.set(iface, [...(byIface.get(iface) ?? []), s.guest.name]);
    }
    const groups = [...byIface.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const sets = groups.map(([iface, hosts]) =>
      groups.length === 1
        ? daemonSet(k8s, "kube-vip", iface, undefined)
        : daemonSet(k8s, `kube-vip-${iface.replace(/[^a-z0-9-]/g, "-")}`, iface, hosts),
    );
    const header = hashHeader(model);
    const rbacText =
      header +
      "# kube-vip's service account and the rights its leader election and ARP announcements need.\n" +
      yamlStream(rbac());
    const dsText =
      header +
      `# kube-vip holds the API VIP ${vip.address} on the elected server (lease ${kubeVipSeconds(k8s.kubeVip.leaseMs)}s, renew ${kubeVipSeconds(k8s.kubeVip.renewMs)}s, retry ${kubeVipSeconds(k8s.kubeVip.retryMs)}s).\n` +
      yamlStream(sets);
    return servers.flatMap((s) => [
      { path: nodeFile(s.guest.name, `${K3S_MANIFESTS}/kube-vip-rbac.yaml`), content: rbacText },
      { path: nodeFile(s.guest.name, `${K3S_MANIFESTS}/kube-vip.yaml`), content: dsText },
    ]);
  },
};
