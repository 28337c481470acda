// The host network of every Proxmox VE node: /etc/network/interfaces with its bridges and VLANs, and
// IPv4 forwarding on a host that is a segment's gateway.
import type { GeneratedFile, Generator } from "../../artifact/artifact.js";
import { proxmoxFile } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { bridgeLayout } from "../../topology/bridge-layout.js";
import { routingSysctl } from "./routing-sysctl.js";
import { interfacesFile } from "./interfaces-file.js";

export const proxmoxNetworkGenerator: Generator = {
  name: "proxmox-network",
  generate(model: Model): GeneratedFile[] {
    return model.hosts
      .filter((h) => h.kind === "proxmox")
      .flatMap((host) => {
        const sysctl = routingSysctl(model, host);
        return [
          {
            path: proxmoxFile(host.name, "/etc/network/interfaces"),
            content: interfacesFile(model, host, bridgeLayout(model, host)),
          },
          ...(sysctl
            ? [
                {
                  path: proxmoxFile(host.name, "/etc/sysctl.d/90-hlab-routing.conf"),
                  content: sysctl,
                },
              ]
            : []),
        ];
      });
  },
};
