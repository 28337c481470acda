// The concrete commands of each step, where they run: `pvecm` for Corosync membership, `tofu
// -target` for one guest, `kubectl drain/delete node` for a K3s node (deleting a server's Node
// removes its etcd member: k3s-io/k3s pkg/etcd/member_controller.go onRemove), the generated files
// of `hlab build` copied to the machine they were written for. "(workstation)" is where the
// generated repository is checked out, with kubectl and tofu.
import type { Guest, Model } from "../../model/model.js";
import { k3sInstallCommand, k3sService, K3S_CONFIG } from "../../topology/k3s-nodes.js";
import { K3S_API_PORT } from "../../topology/ports.js";
import { tofuGuestAddress } from "../../topology/tofu-names.js";
import { shellQuote } from "../../util/shell-quote.js";
import type { ChangeStep } from "./change-report.js";
import type { StepDraft } from "./change-plan.js";

type Command = ChangeStep["commands"][number];
const WS = "(workstation)";
const q = shellQuote;

const guestOf = (m: Model, name: string): Guest | undefined => m.guests.find((g) => g.name === name);
const hostAddress = (m: Model, host: string): string => {
  const h = m.hosts.find((x) => x.name === host);
  const link = m.proxmox?.links[0];
  return (link && h?.address[link]) ?? Object.values(h?.address ?? {})[0] ?? host;
};

/** Creating or updating one Proxmox guest from the regenerated repository. */
function tofuApply(g: Guest): Command[] {
  if (g.kind === "metal")
    return [{ on: g.host, run: `# ${g.name} is the OS of ${g.host}: install it by hand` }];
  return [{ on: WS, run: `tofu -chdir=tofu apply -target=${q(tofuGuestAddress(g))}` }];
}

const copyFile = (guest: string, path: string): Command => ({
  on: WS,
  run: `scp ${q(`nodes/${guest}${path}`)} ${q(`root@${guest}:${path}`)}`,
});

function drain(name: string): Command {
  return { on: WS, run: `kubectl drain ${q(name)} --ignore-daemonsets --delete-emptydir-data --timeout=10m` };
}

export function commandsFor(d: StepDraft, before: Model, after: Model): Command[] {
  const m = d.machine;
  const g = guestOf(after, m) ?? guestOf(before, m);
  switch (d.kind) {
    case "add-host":
      return [
        {
          on: m,
          run: `# install ${after.hosts.find((h) => h.name === m)?.kind === "proxmox" ? "Proxmox VE" : "the OS"}, address ${hostAddress(after, m)}; then \`hlab check\` and \`ping ${hostAddress(after, m)}\``,
        },
      ];
    case "reinstall-host":
      return [{ on: m, run: `# reinstall ${m}` }];
    case "create-proxmox-cluster":
      return [
        { on: m, run: `pvecm create ${q(after.proxmox!.cluster)} --link0 ${q(hostAddress(after, m))}` },
        { on: m, run: "pvecm status" },
      ];
    case "add-proxmox-node": {
      const first = before.proxmox!.nodes[0]!;
      return [
        { on: m, run: `pvecm add ${q(hostAddress(before, first))} --link0 ${q(hostAddress(after, m))}` },
        { on: first, run: "pvecm status" },
      ];
    }
    case "remove-proxmox-node": {
      const other = after.proxmox!.nodes[0] ?? m;
      return [
        { on: m, run: "shutdown -h now" },
        { on: other, run: `pvecm delnode ${q(m)}` },
        { on: other, run: "pvecm status" },
      ];
    }
    case "add-qdevice": {
      const nodes = after.proxmox!.nodes;
      const dev = after.hosts.find((h) => h.name === m) ?? guestOf(after, m);
      const addr = Object.values(dev?.address ?? {})[0] ?? m;
      return [
        { on: m, run: "apt-get install -y corosync-qnetd" },
        ...nodes.map((n) => ({ on: n, run: "apt-get install -y corosync-qdevice" })),
        { on: nodes[0]!, run: `pvecm qdevice setup ${q(addr)}` },
        { on: nodes[0]!, run: "pvecm status" },
      ];
    }
    case "remove-qdevice": {
      const first = before.proxmox!.nodes[0]!;
      return [
        { on: first, run: "pvecm qdevice remove" },
        { on: first, run: "pvecm status" },
      ];
    }
    case "add-guest":
      return g ? tofuApply(g) : [];
    case "remove-guest":
      return g && g.kind !== "metal"
        ? [{ on: WS, run: `tofu -chdir=tofu destroy -target=${q(tofuGuestAddress(g))}` }]
        : [{ on: m, run: "# stop its services and retire it" }];
    case "move-guest": {
      const was = guestOf(before, m)!;
      const to = guestOf(after, m)!.host;
      return [
        was.kind === "lxc"
          ? { on: was.host, run: `pct migrate ${was.vmid} ${q(to)} --restart` }
          : { on: was.host, run: `qm migrate ${was.vmid} ${q(to)} --online --with-local-disks` },
        { on: WS, run: "tofu -chdir=tofu plan  # the guest's node now matches: no change expected" },
      ];
    }
    case "resize-guest":
      return g ? [...tofuApply(g), { on: g.host, run: `qm reboot ${g.vmid}` }] : [];
    case "add-k3s-server":
    case "add-k3s-agent": {
      if (!g) return [];
      const role = d.kind === "add-k3s-server" ? "server" : "agent";
      const exists = before.guests.some((x) => x.name === m);
      return [
        ...(exists ? [] : tofuApply(g)),
        copyFile(m, K3S_CONFIG),
        { on: m, run: `systemctl enable --now ${k3sService(role)}` },
        { on: WS, run: `kubectl wait --for=condition=Ready node/${q(m)} --timeout=10m` },
        ...(role === "server"
          ? [
              {
                on: WS,
                run: "kubectl get nodes -l node-role.kubernetes.io/etcd=true  # the new member is listed once promoted",
              },
            ]
          : []),
      ];
    }
    case "remove-k3s-server":
    case "remove-k3s-agent": {
      const role = d.kind === "remove-k3s-server" ? "server" : "agent";
      const destroy = !after.guests.some((x) => x.name === m);
      return [
        drain(m),
        { on: WS, run: `kubectl delete node ${q(m)}` },
        {
          on: m,
          run:
            role === "server" ? "/usr/local/bin/k3s-uninstall.sh" : "/usr/local/bin/k3s-agent-uninstall.sh",
        },
        ...(destroy && g && g.kind !== "metal"
          ? [{ on: WS, run: `tofu -chdir=tofu destroy -target=${q(tofuGuestAddress(g))}` }]
          : []),
      ];
    }
    case "reconfigure-k3s-server":
      return [
        drain(m),
        copyFile(m, K3S_CONFIG),
        { on: m, run: "systemctl restart k3s" },
        { on: WS, run: `kubectl wait --for=condition=Ready node/${q(m)} --timeout=10m` },
        { on: WS, run: `kubectl uncordon ${q(m)}` },
      ];
    case "switch-api-endpoint": {
      const k = after.kubernetes!;
      const kubeVip = k.api.holder === "kube-vip";
      return [
        ...(kubeVip
          ? k.servers.flatMap((s) => [
              copyFile(s, "/var/lib/rancher/k3s/server/manifests/kube-vip-rbac.yaml"),
              copyFile(s, "/var/lib/rancher/k3s/server/manifests/kube-vip.yaml"),
            ])
          : []),
        {
          on: WS,
          run: `curl -ks https://${k.api.endpoint}:${K3S_API_PORT}/ping  # answers before anyone switches`,
        },
        {
          on: WS,
          run: `kubectl config set-cluster default --server=https://${k.api.endpoint}:${K3S_API_PORT}`,
        },
        ...k.agents.map((a) => copyFile(a, K3S_CONFIG)),
      ];
    }
    case "change-ingress": {
      const k = after.kubernetes!;
      return [
        {
          on: WS,
          run: `# point the services' DNS records at ${k.ingress.address ?? k.ingress.node ?? ""} (dns/ of the regenerated repository)`,
        },
      ];
    }
    case "add-load-balancer":
    case "change-load-balancer": {
      const lbs = after.loadBalancers.filter((l) => l.guests.includes(m) || l.guests[0] === m);
      const members = d.kind === "add-load-balancer" ? (lbs[0]?.guests ?? [m]) : [m];
      return members.flatMap((x) => [
        copyFile(x, "/etc/haproxy/haproxy.cfg"),
        copyFile(x, "/etc/keepalived/keepalived.conf"),
        { on: x, run: "haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy" },
        { on: x, run: "keepalived -t -f /etc/keepalived/keepalived.conf && systemctl reload keepalived" },
      ]);
    }
    case "remove-load-balancer":
      return [{ on: m, run: "systemctl disable --now keepalived haproxy" }];
    case "change-storage":
    case "change-database":
    case "add-service":
    case "remove-service":
    case "change-replicas":
    case "update-service":
      return [
        { on: WS, run: "git commit -am 'hlab build' && git push  # Argo CD applies cluster/" },
        { on: WS, run: "kubectl -n argocd get applications  # wait for Synced and Healthy" },
      ];
    case "etcd-snapshot":
      return [
        { on: m, run: "k3s etcd-snapshot save --name pre-upgrade" },
        { on: m, run: "k3s etcd-snapshot ls" },
      ];
    case "upgrade-k3s-server":
    case "upgrade-k3s-agent": {
      const k = after.kubernetes!;
      const role = d.kind === "upgrade-k3s-server" ? "server" : "agent";
      const arch = after.hosts.find((h) => h.name === g?.host)?.arch ?? "amd64";
      return [
        drain(m),
        ...(d.version && !/^v\d+\.\d+\.\d+/.test(d.version)
          ? [
              {
                on: m,
                run: `# ${d.version}: use its latest patch release (github.com/k3s-io/k3s/releases) in the next line`,
              },
            ]
          : []),
        { on: m, run: k3sInstallCommand({ ...k, version: d.version ?? k.version }, role, arch) },
        { on: m, run: `systemctl restart ${k3sService(role)}` },
        { on: WS, run: `kubectl wait --for=condition=Ready node/${q(m)} --timeout=10m` },
        { on: WS, run: `kubectl uncordon ${q(m)}` },
      ];
    }
    case "reboot-host": {
      const k = before.kubernetes;
      const nodes = before.guests
        .filter((x) => x.host === m && (k?.servers.includes(x.name) || k?.agents.includes(x.name)))
        .map((x) => x.name);
      return [
        ...nodes.map(drain),
        { on: m, run: "reboot" },
        ...(before.proxmox && before.proxmox.nodes.length > 1
          ? [{ on: m, run: "pvecm status  # quorate again" }]
          : []),
        ...nodes.flatMap((n) => [
          { on: WS, run: `kubectl wait --for=condition=Ready node/${q(n)} --timeout=10m` },
          { on: WS, run: `kubectl uncordon ${q(n)}` },
        ]),
      ];
    }
    case "reconfigure":
      return [{ on: WS, run: "tofu -chdir=tofu apply" }];
  }
  return [];
}
