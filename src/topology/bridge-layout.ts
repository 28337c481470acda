// How a Proxmox host's networks map onto Linux bridges: which physical NIC is each bridge's port,
// which bridges are VLAN-aware, where the host's own addresses and its one default gateway go.
// The bridge names come from the model (normalise.ts), so VM NICs and these bridges always agree.
import type { Host, Model, Network } from "../model/model.js";

/** A NIC named dummyN stands for "no physical port": the segment exists only inside the host (seed 002). */
export const isVirtualNic = (name: string): boolean => /^dummy\d*$/.test(name);

export interface HostAddress {
  /** The interface carrying it: the bridge, or `<bridge>.<vlan>` for a tagged network. */
  iface: string;
  cidr: string;
  gateway?: string;
  network: string;
}

export interface Bridge {
  name: string;
  networks: Network[];
  ports: string[];
  vids: number[];
  notes: string[];
}

export interface HostNetworkLayout {
  physicalNics: string[];
  bridges: Bridge[];
  addresses: HostAddress[];
  /** True when the only NIC is eth0, the name normalise gives when the spec lists none. */
  defaultNic: boolean;
}

/** Networks the host touches itself or through the guests it runs, in spec order. */
function hostNetworks(model: Model, host: Host): Network[] {
  const used = new Set<string>([...Object.keys(host.address), ...host.nics.flatMap((n) => n.networks)]);
  for (const g of model.guests)
    if (g.host === host.name && g.kind !== "metal") for (const n of Object.keys(g.address)) used.add(n);
  return model.networks.filter((n) => used.has(n.name));
}

export function bridgeLayout(model: Model, host: Host): HostNetworkLayout {
  const networks = hostNetworks(model, host);
  const physicalNics = host.nics.map((n) => n.name).filter((n) => !isVirtualNic(n));
  const portOwner = new Map<string, string>();
  const bridges: Bridge[] = [];
  for (const name of [...new Set(networks.map((n) => n.bridge))]) {
    const nets = networks.filter((n) => n.bridge === name);
    const notes: string[] = [];
    const wanted = host.nics.filter(
      (nic) => !isVirtualNic(nic.name) && nic.networks.some((n) => nets.some((x) => x.name === n)),
    );
    const ports: string[] = [];
    for (const nic of wanted) {
      const owner = portOwner.get(nic.name);
      // A port can belong to one bridge only; a second untagged segment on the same NIC needs a VLAN.
      if (owner)
        notes.push(
          `${nic.name} is already the port of ${owner}: give ${nets.map((n) => n.name).join(", ")} a vlan to share it`,
        );
      else {
        portOwner.set(nic.name, name);
        ports.push(nic.name);
      }
    }
    if (ports.length === 0) notes.push("no physical port: the segment exists only inside this host");
    const vids = [...new Set(nets.flatMap((n) => (n.vlan === undefined ? [] : [n.vlan])))].sort(
      (a, b) => a - b,
    );
    bridges.push({ name, networks: nets, ports, vids, notes });
  }
  // The host's default route: never a segment it routes itself (host-routing.ts).
  const gatewayNet = networks.find(
    (n) => n.gateway !== undefined && host.address[n.name] !== undefined && n.router !== host.name,
  );
  const addresses = networks.flatMap((n) => {
    const address = host.address[n.name];
    if (address === undefined) return [];
    return [
      {
        iface: n.vlan === undefined ? n.bridge : `${n.bridge}.${n.vlan}`,
        cidr: `${address}/${n.cidr.prefix}`,
        gateway: n === gatewayNet ? n.gateway : undefined,
        network: n.name,
      },
    ];
  });
  const defaultNic = host.nics.length === 1 && host.nics[0]!.id === `${host.name}/eth0`;
  return { physicalNics, bridges, addresses, defaultNic };
}
