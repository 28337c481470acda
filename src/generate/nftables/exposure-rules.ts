// What a guest admits on the addresses services' names answer with, read from the exposure facts
// (src/model/exposure.ts): the ingress load balancer's own address on a client segment, or the
// address of a guest a service runs on, each open only to the client sides the names are for.
import { guestInterface } from "../../model/interfaces.js";
import { exposureFacts } from "../../topology/exposure.js";
import type { Guest, Model } from "../../model/model.js";
import { set, type Line } from "./ruleset.js";

export function exposureRules(model: Model, guest: Guest): Line[] {
  const openings = exposureFacts(model).openings.filter((o) => o.guest === guest.name);
  return openings.flatMap((o) => [
    `# ${o.services.join(", ")}: for ${o.sides.join(", ")} (docs/exposure.md).`,
    `iifname "${guestInterface(model, guest, o.network)}" ip daddr ${o.address} ip saddr ${set(o.sources)} tcp dport ${set(o.ports)} accept`,
  ]);
}
