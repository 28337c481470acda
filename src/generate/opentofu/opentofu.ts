// OpenTofu (JSON syntax) for the bpg/proxmox provider: the cloud images, one VM per VM guest (its
// CPU, memory, disk, a NIC per network on the right bridge and VLAN with the MAC cloud-init matches,
// cloud-init snippets), one container per LXC guest, and Proxmox HA for HA guests. The endpoint and
// the API token are variables: credentials never appear in the repository.
import type { Guest, Model, Network } from "../../model/model.js";
import { guestInterface } from "../../model/interfaces.js";
import { generatedBy, type GeneratedFile, type Generator } from "../../artifact/artifact.js";
import { networkConfigPath, TOFU_DIR, userDataPath } from "../../artifact/repo-layout.js";
import { imageSource, type ImageSource } from "../../model/guest-images.js";
import { tfName, tofuGuestType } from "../../topology/tofu-names.js";

import { HTTP_PROVIDER_VERSION, PROVIDER_VERSION } from "../../model/versions.js";
export { HTTP_PROVIDER_VERSION, PROVIDER_VERSION };

type Json = Record<string, unknown>;

const ref = (type: string, name: string, attr: string): string => `\${${type}.${name}.${attr}}`;

function storageWith(model: Model, content: string, fallback: string): string {
  return model.proxmox?.storage.find((s) => s.content.includes(content))?.name ?? fallback;
}

const networkOf = (model: Model, name: string): Network | undefined =>
  model.networks.find((n) => n.name === name);
/** The guest's one default route: the first of its networks that has a gateway. */
const routedNetwork = (model: Model, guest: Guest): string | undefined =>
  Object.keys(guest.address).find((n) => networkOf(model, n)?.gateway);

/** Nodes a guest may run on: its host, and for an HA guest every node HA may move it to. */
function placementNodes(model: Model, guest: Guest): string[] {
  if (!guest.ha || !model.proxmox) return [guest.host];
  const group = model.proxmox.haGroups.find((g) => g.name === guest.haGroup);
  const nodes = group?.restricted ? group.nodes : model.proxmox.nodes;
  return [...new Set([guest.host, ...nodes])].sort();
}

const file = (model: Model, name: string, body: Json): GeneratedFile => ({
  path: `${TOFU_DIR}/${name}.tf.json`,
  // "//" is the comment key of Terraform's JSON syntax.
  content: `${JSON.stringify({ "//": generatedBy(model), ...body }, null, 2)}\n`,
});

function settings(model: Model): Json {
  const px = model.proxmox!;
  const nodes = px.nodes.flatMap((n) => {
    const host = model.hosts.find((h) => h.name === n);
    const address = host?.address[px.links[0]!] ?? Object.values(host?.address ?? {})[0];
    return address ? [{ name: n, address }] : [];
  });
  return {
    terraform: {
      required_version: ">= 1.6.0",
      required_providers: {
        proxmox: { source: "bpg/proxmox", version: PROVIDER_VERSION },
        ...(needsHttp(model) ? { http: { source: "hashicorp/http", version: HTTP_PROVIDER_VERSION } } : {}),
      },
    },
    variable: {
      proxmox_endpoint: { type: "string", default: px.api, description: "Proxmox VE API URL." },
      proxmox_api_token: {
        type: "string",
        sensitive: true,
        description:
          "API token `user@realm!id=secret`: set TF_VAR_proxmox_api_token, never write it in a file.",
      },
      proxmox_insecure: {
        type: "bool",
        default: true,
        description: "Accept the self-signed certificate Proxmox VE installs.",
      },
      proxmox_ssh_username: {
        type: "string",
        default: "root",
        description: "SSH user for uploading snippets (cloud-init files).",
      },
    },
    provider: {
      proxmox: {
        endpoint: "${var.proxmox_endpoint}",
        api_token: "${var.proxmox_api_token}",
        insecure: "${var.proxmox_insecure}",
        // Snippets are uploaded over SSH: the agent holds the key, no password is ever configured.
        ssh: { agent: true, username: "${var.proxmox_ssh_username}", node: nodes },
      },
    },
  };
}

interface Download {
  name: string;
  node: string;
  source: ImageSource;
  datastore: string;
}

/** One download per (node, image) that some guest on that node needs. */
function downloads(model: Model, guests: Guest[]): Download[] {
  const seen = new Map<string, Download>();
  for (const g of guests) {
    const host = model.hosts.find((h) => h.name === g.host);
    const source = imageSource(g, host?.arch ?? "amd64");
    if (source.kind !== "download") continue;
    const datastore = storageWith(model, source.contentType, "local");
    const name = tfName(source.id, g.host);
    seen.set(name, { name, node: g.host, source, datastore });
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

function imageRef(model: Model, guest: Guest): string {
  const host = model.hosts.find((h) => h.name === guest.host);
  const source = imageSource(guest, host?.arch ?? "amd64");
  if (source.kind === "existing") return source.fileId;
  return ref("proxmox_download_file", tfName(source.id, guest.host), "id");
}

/** An HCL string literal inside a `${...}` template (the JSON syntax evaluates strings as templates). */
const hclString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** RE2 pattern for one line of a checksum list: the digest, spaces, then the file's entry. */
const sumsLine = (digits: number, entry: string): string =>
  `(?m)^([0-9a-f]{${digits}}) +${entry.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

const DIGITS = { sha256: 64, sha512: 128 } as const;

/**
 * The checksum attributes of one download (bpg/proxmox v0.111.1 docs/resources/download_file.md:
 * checksum, checksum_algorithm): the spec's pin, or the digest read from the publisher's list with
 * the http data source (hashicorp/http v3.6.0 docs/data-sources/http.md: url, response_body).
 */
function checksum(d: Download): Json {
  if (d.source.kind !== "download") return {};
  const c = d.source.check;
  if (c.kind === "none") return {};
  if (c.kind === "pinned") return { checksum: c.value, checksum_algorithm: c.algorithm };
  const body = `data.http.${d.name}_sums.response_body`;
  return {
    checksum: `\${regex(${hclString(sumsLine(DIGITS[c.algorithm], c.entry))}, ${body})[0]}`,
    checksum_algorithm: c.algorithm,
  };
}

const needsHttp = (model: Model): boolean =>
  downloads(
    model,
    model.guests.filter((g) => g.kind !== "metal"),
  ).some((d) => d.source.kind === "download" && d.source.check.kind === "publisher");

function images(model: Model, list: Download[]): Json {
  const resources: Json = {};
  const sums: Json = {};
  for (const d of list) {
    if (d.source.kind !== "download") continue;
    const c = d.source.check;
    if (c.kind === "publisher") sums[`${d.name}_sums`] = { url: c.sumsUrl, retry: { attempts: 3 } };
    resources[d.name] = {
      node_name: d.node,
      content_type: d.source.contentType,
      datastore_id: d.datastore,
      url: d.source.url,
      file_name: d.source.fileName,
      ...checksum(d),
      // A checksum list may be republished: never re-download under running guests on every apply.
      overwrite: false,
    };
  }
  return {
    ...(Object.keys(sums).length ? { data: { http: sums } } : {}),
    resource: { proxmox_download_file: resources },
  };
}

const snippetName = (guest: string, kind: string): string => `hlab-${guest}-${kind}.yaml`;

function snippets(model: Model, vms: Guest[]): Json {
  const datastore = storageWith(model, "snippets", "local");
  const resources: Json = {};
  for (const g of vms) {
    for (const node of placementNodes(model, g)) {
      for (const [kind, path] of [
        ["user-data", userDataPath(g.name)],
        ["network-config", networkConfigPath(g.name)],
      ] as const) {
        resources[tfName(g.name, kind, node)] = {
          node_name: node,
          content_type: "snippets",
          datastore_id: datastore,
          source_file: { path: `\${path.module}/../${path}`, file_name: snippetName(g.name, kind) },
        };
      }
    }
  }
  return { resource: { proxmox_virtual_environment_file: resources } };
}

const tags = (g: Guest): string[] => ["hlab", g.role];
const describe = (model: Model, g: Guest): string => `${g.role} of ${model.name}. ${generatedBy(model)}`;

function vm(model: Model, g: Guest): Json {
  const nics = Object.keys(g.address).flatMap((name) => {
    const net = networkOf(model, name);
    if (!net) return [];
    return [
      {
        bridge: net.bridge,
        mac_address: g.mac[name]!.toUpperCase(),
        model: "virtio",
        ...(net.vlan !== undefined ? { vlan_id: net.vlan } : {}),
      },
    ];
  });
  return {
    name: g.name,
    description: describe(model, g),
    tags: tags(g),
    node_name: g.host,
    vm_id: g.vmid,
    on_boot: true,
    started: true,
    // A VM that will not shut down must not block a destroy forever.
    stop_on_destroy: true,
    agent: { enabled: true },
    machine: "q35",
    operating_system: { type: "l26" },
    cpu: { cores: g.cpu, type: "x86-64-v2-AES" },
    // No ballooning: Kubernetes schedules against memory it assumes it keeps.
    memory: { dedicated: g.memoryMiB, floating: 0 },
    scsi_hardware: "virtio-scsi-single",
    disk: [
      {
        datastore_id: g.storage,
        file_id: imageRef(model, g),
        interface: "scsi0",
        size: Math.ceil(g.diskGiB),
        discard: "on",
        iothread: true,
        ssd: true,
      },
    ],
    network_device: nics,
    serial_device: [{ device: "socket" }],
    initialization: {
      datastore_id: g.storage,
      user_data_file_id: ref("proxmox_virtual_environment_file", tfName(g.name, "user-data", g.host), "id"),
      network_data_file_id: ref(
        "proxmox_virtual_environment_file",
        tfName(g.name, "network-config", g.host),
        "id",
      ),
    },
  };
}

function container(model: Model, g: Guest): Json {
  const routed = routedNetwork(model, g);
  const nets = Object.keys(g.address).flatMap((name) => {
    const net = networkOf(model, name);
    return net ? [{ name, net }] : [];
  });
  const dns = [...new Set(nets.flatMap(({ net }) => net.dns))];
  return {
    description: describe(model, g),
    tags: tags(g),
    node_name: g.host,
    vm_id: g.vmid,
    start_on_boot: true,
    started: true,
    unprivileged: true,
    features: { nesting: true },
    cpu: { cores: g.cpu },
    memory: { dedicated: g.memoryMiB, swap: 0 },
    disk: { datastore_id: g.storage, size: Math.ceil(g.diskGiB) },
    operating_system: { template_file_id: imageRef(model, g), type: "debian" },
    initialization: {
      hostname: g.name,
      ...(dns.length ? { dns: { domain: model.dns.domain, servers: dns } } : {}),
      ip_config: nets.map(({ name, net }) => ({
        ipv4: {
          address: `${g.address[name]}/${net.cidr.prefix}`,
          ...(name === routed && net.gateway ? { gateway: net.gateway } : {}),
        },
      })),
      ...(model.access.sshKeys.length ? { user_account: { keys: model.access.sshKeys } } : {}),
    },
    network_interface: nets.map(({ name, net }) => ({
      name: guestInterface(model, g, name),
      bridge: net.bridge,
      mac_address: g.mac[name]!.toUpperCase(),
      ...(net.vlan !== undefined ? { vlan_id: net.vlan } : {}),
    })),
  };
}

function ha(model: Model, guests: Guest[]): Json | undefined {
  const px = model.proxmox!;
  const haGuests = guests.filter((g) => g.ha);
  if (!haGuests.length && !px.haGroups.length) return undefined;
  const groups: Json = {};
  for (const grp of px.haGroups) {
    groups[tfName(grp.name)] = {
      group: grp.name,
      nodes: Object.fromEntries(grp.nodes.map((n) => [n, null])),
      restricted: grp.restricted,
      no_failback: grp.nofailback,
    };
  }
  const resources: Json = {};
  for (const g of haGuests) {
    const type = tofuGuestType(g);
    resources[tfName(g.name)] = {
      // The reference (not a literal id) makes HA wait until the guest exists.
      resource_id: `${g.kind === "vm" ? "vm" : "ct"}:${ref(type, tfName(g.name), "vm_id")}`,
      state: "started",
      comment: `hlab: restart ${g.name} on another node when ${g.host} fails`,
      ...(g.haGroup ? { group: ref("proxmox_hagroup", tfName(g.haGroup), "group") } : {}),
    };
  }
  const resource: Json = {};
  if (Object.keys(groups).length) resource.proxmox_hagroup = groups;
  if (Object.keys(resources).length) resource.proxmox_haresource = resources;
  return { resource };
}

export const opentofuGenerator: Generator = {
  name: "opentofu",
  generate(model: Model): GeneratedFile[] {
    const guests = model.guests.filter((g) => g.kind === "vm" || g.kind === "lxc");
    if (!model.proxmox || !guests.length) return [];
    const vms = guests.filter((g) => g.kind === "vm");
    const cts = guests.filter((g) => g.kind === "lxc");
    const out = [
      file(model, "settings", settings(model)),
      file(model, "images", images(model, downloads(model, guests))),
    ];
    if (vms.length) {
      out.push(file(model, "cloud-init", snippets(model, vms)));
      out.push(
        file(model, "vms", {
          resource: {
            proxmox_virtual_environment_vm: Object.fromEntries(
              vms.map((g) => [tfName(g.name), vm(model, g)]),
            ),
          },
        }),
      );
    }
    if (cts.length) {
      out.push(
        file(model, "containers", {
          resource: {
            proxmox_virtual_environment_container: Object.fromEntries(
              cts.map((g) => [tfName(g.name), container(model, g)]),
            ),
          },
        }),
      );
    }
    const haBody = ha(model, guests);
    if (haBody) out.push(file(model, "ha", haBody));
    out.push({
      path: `${TOFU_DIR}/.gitignore`,
      content: `# ${generatedBy(model)}\n# State holds secrets of its own; keep it out of Git (or use a remote backend).\n.terraform/\n*.tfstate\n*.tfstate.*\n*.tfvars\n*.tfplan\ncrash.log\n`,
    });
    return out;
  },
};
