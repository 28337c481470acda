// HAProxy for every load-balancer guest, and the sysctl that lets it bind a VIP it does not hold yet
// (every member of a pair binds the VIP; only the VRRP master has it).
import type { GeneratedFile, Generator } from "../../artifact/artifact.js";
import { hashHeader, nodeFile } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { haproxyConfig } from "./haproxy-config.js";

/** Load-balancer guests in spec order, each once even when it serves several pairs. */
export function loadBalancerGuests(model: Model): Model["guests"] {
  const names = new Set(model.loadBalancers.flatMap((lb) => lb.guests));
  return model.guests.filter((g) => names.has(g.name));
}

function nonlocalBind(model: Model, vips: string[]): string {
  return (
    hashHeader(model) +
    `# HAProxy binds ${vips.join(", ")} on every member of the pair, including a backup that does not hold it.\n` +
    "net.ipv4.ip_nonlocal_bind = 1\n"
  );
}

export const haproxyGenerator: Generator = {
  name: "haproxy",
  generate(model: Model): GeneratedFile[] {
    return loadBalancerGuests(model).flatMap((guest) => {
      const vips = model.loadBalancers.filter((lb) => lb.guests.includes(guest.name)).map((lb) => lb.vip);
      return [
        { path: nodeFile(guest.name, "/etc/haproxy/haproxy.cfg"), content: haproxyConfig(model, guest) },
        {
          path: nodeFile(guest.name, "/etc/sysctl.d/90-hlab-haproxy.conf"),
          content: nonlocalBind(model, vips),
        },
      ];
    });
  },
};
