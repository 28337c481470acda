// Keepalived: the VRRP half of the HAProxy + Keepalived pair (seed 003), and the API VIP on the K3s
// servers when the spec gives it to keepalived.
import type { GeneratedFile, Generator } from "../../artifact/artifact.js";
import { nodeFile } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { keepalivedConfig, keepalivedSysctl } from "./keepalived-config.js";
import { keepalivedGuests } from "../../topology/vrrp-groups.js";

export const keepalivedGenerator: Generator = {
  name: "keepalived",
  generate(model: Model): GeneratedFile[] {
    return keepalivedGuests(model).flatMap((guest) => {
      const sysctl = keepalivedSysctl(model, guest);
      return [
        {
          path: nodeFile(guest.name, "/etc/keepalived/keepalived.conf"),
          content: keepalivedConfig(model, guest),
        },
        ...(sysctl
          ? [{ path: nodeFile(guest.name, "/etc/sysctl.d/90-hlab-keepalived.conf"), content: sysctl }]
          : []),
      ];
    });
  },
};
