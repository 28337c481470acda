// Who the K3s nodes are and how they are installed: shared by the K3s configs, cloud-init (which
// installs the pinned binary) and the bootstrap scripts (which start the servers in order).
import type { Guest, Kubernetes, Model } from "../model/model.js";
import { K3S_API_PORT } from "./ports.js";
import { shellQuote } from "../util/shell-quote.js";

export const K3S_CONFIG = "/etc/rancher/k3s/config.yaml";
/** Installed at deploy time from the encrypted store; never written into a generated file. */
export const K3S_TOKEN_FILE = "/etc/rancher/k3s/token";
export const K3S_TOKEN_SECRET = "k3s-token";
export const K3S_MANIFESTS = "/var/lib/rancher/k3s/server/manifests";

export type K3sRole = "server" | "agent";

export interface K3sNode {
  guest: Guest;
  role: K3sRole;
  /** The one server that starts the embedded etcd cluster (`cluster-init`); the others join it. */
  initialises: boolean;
  /** The node's own address on the cluster network. */
  address: string;
}

/** The address a guest uses on the cluster's network (else its first one). */
export function clusterAddress(k8s: Kubernetes, guest: Guest): string {
  return guest.address[k8s.api.network] ?? Object.values(guest.address)[0] ?? "";
}

/** The network the node's cluster traffic uses (for interface names). */
export function clusterNetwork(k8s: Kubernetes, guest: Guest): string {
  return guest.address[k8s.api.network] !== undefined
    ? k8s.api.network
    : (Object.keys(guest.address)[0] ?? k8s.api.network);
}

/** Servers in spec order (the first one initialises etcd), then agents. */
export function k3sNodes(model: Model): K3sNode[] {
  const k8s = model.kubernetes;
  if (!k8s) return [];
  const byName = new Map(model.guests.map((g) => [g.name, g]));
  const pick = (names: string[], role: K3sRole): K3sNode[] =>
    names.flatMap((name, i) => {
      const guest = byName.get(name);
      if (!guest) return [];
      return [
        {
          guest,
          role,
          initialises: role === "server" && i === 0 && k8s.datastore === "embedded-etcd",
          address: clusterAddress(k8s, guest),
        },
      ];
    });
  return [...pick(k8s.servers, "server"), ...pick(k8s.agents, "agent")];
}

/** Where every node registers: the API VIP (or the single endpoint when there is none). */
export const joinUrl = (k8s: Kubernetes): string => `https://${k8s.api.endpoint}:${K3S_API_PORT}`;

/** A guest runs on its host's architecture. */
export const guestArch = (model: Model, guest: Guest): "amd64" | "arm64" =>
  model.hosts.find((h) => h.name === guest.host)?.arch ?? "amd64";

const K3S_RELEASES = "https://github.com/k3s-io/k3s/releases/download";
const K3S_SOURCE = "https://raw.githubusercontent.com/k3s-io/k3s";

/**
 * The pinned install, never `curl get.k3s.io | sh` (a script that changes under the same URL): the
 * binary of the pinned release, checked against the release's own sha256sum-<arch>.txt before it is
 * installed (the files the install script itself would fetch: install.sh, download_hash and
 * download_binary); then install.sh of that same release tag, with INSTALL_K3S_SKIP_DOWNLOAD, only
 * writes the units. The service is enabled later by the bootstrap, once the token file is in place.
 */
export function k3sInstallCommand(k8s: Kubernetes, role: K3sRole, arch: "amd64" | "arm64"): string {
  const d = k3sDownloads(k8s, role, arch);
  const env = Object.entries(d.installEnv).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [
    "tmp=$(mktemp -d)",
    `curl -fsSLo "$tmp/${d.binary}" ${shellQuote(d.binaryUrl)}`,
    `curl -fsSLo "$tmp/sha256sum" ${shellQuote(d.checksumsUrl)}`,
    `(cd "$tmp" && grep ' ${d.binary}$' sha256sum | sha256sum -c -)`,
    `install -m 0755 "$tmp/${d.binary}" /usr/local/bin/k3s`,
    `curl -fsSL ${shellQuote(d.installScriptUrl)} | ${env.join(" ")} sh -s -`,
    'rm -rf "$tmp"',
  ].join(" && ");
}

export interface K3sDownloads {
  /** The binary's name in the release (and in its sha256sum file). */
  binary: string;
  binaryUrl: string;
  /** The release's sha256sum-<arch>.txt, which lists the binary by that name. */
  checksumsUrl: string;
  /** install.sh of the same release tag. */
  installScriptUrl: string;
  /** install.sh's environment: only the units, no download, no enable, no start. */
  installEnv: Record<string, string>;
}

/** What the pinned install downloads and how it runs install.sh: shared by cloud-init and Ansible. */
export function k3sDownloads(k8s: Kubernetes, role: K3sRole, arch: "amd64" | "arm64"): K3sDownloads {
  const tag = encodeURIComponent(k8s.version);
  const binary = arch === "amd64" ? "k3s" : `k3s-${arch}`;
  const release = `${K3S_RELEASES}/${tag}`;
  return {
    binary,
    binaryUrl: `${release}/${binary}`,
    checksumsUrl: `${release}/sha256sum-${arch}.txt`,
    installScriptUrl: `${K3S_SOURCE}/${tag}/install.sh`,
    installEnv: {
      INSTALL_K3S_VERSION: k8s.version,
      INSTALL_K3S_SKIP_DOWNLOAD: "true",
      INSTALL_K3S_SKIP_ENABLE: "true",
      INSTALL_K3S_SKIP_START: "true",
      INSTALL_K3S_EXEC: role,
    },
  };
}

/** The systemd unit the install script creates for each role. */
export const k3sService = (role: K3sRole): string => (role === "server" ? "k3s" : "k3s-agent");
