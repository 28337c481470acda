// A guest on networks that have no gateway has no default route: build writes none (cloud-init and
// OpenTofu give a guest one route, via the first of its networks with a gateway), so on first boot it
// cannot fetch its packages, the K3s installer or container images. Seed 002's internal bridges are
// the common case: admin and apps exist only inside the PC.
import { diagnostic, type Diagnostic } from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";

export function defaultRouteFindings(model: Model): Diagnostic[] {
  const gateways = new Set(model.networks.filter((n) => n.gateway).map((n) => n.name));
  // Metal guests are the host's own OS: its network setup is the user's, not build's.
  return model.guests
    .filter((g) => g.kind !== "metal" && !Object.keys(g.address).some((n) => gateways.has(n)))
    .map((g) => {
      const nets = Object.keys(g.address);
      const first = nets[0];
      return diagnostic(
        model.source,
        "HL123",
        ["guests", g.name, "address"],
        `guest \`${g.name}\` has no default route: none of its networks (${nets.join(", ")}) has a gateway, so it cannot reach a package mirror or the internet`,
        first
          ? `give network \`${first}\` a gateway: a router on it, or the Proxmox host's own address there (build makes the host forward and masquerade)`
          : "give the guest an address on a network that has a gateway",
      );
    });
}
