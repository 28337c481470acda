// Where a guest's OS image comes from: a known cloud image or container template (downloaded onto
// the node by Proxmox itself), a URL, or a file already on a Proxmox storage (`storage:content/file`).
import type { Guest } from "../../model/model.js";

export type ImageSource =
  | { kind: "download"; id: string; url: string; fileName: string; contentType: "iso" | "vztmpl" }
  | { kind: "existing"; fileId: string };

type Arch = "amd64" | "arm64";

const debianCloud = (release: string, codename: string) => (arch: Arch) => ({
  url: `https://cloud.debian.org/images/cloud/${codename}/latest/debian-${release}-genericcloud-${arch}.qcow2`,
  // Proxmox only imports disk images named .img from "iso" storage; the content is qcow2.
  fileName: `debian-${release}-genericcloud-${arch}.img`,
});

const VM_IMAGES: Record<string, (arch: Arch) => { url: string; fileName: string }> = {
  "debian-12-genericcloud": debianCloud("12", "bookworm"),
  "debian-13-genericcloud": debianCloud("13", "trixie"),
  "ubuntu-24.04": (arch) => ({
    url: `https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-${arch}.img`,
    fileName: `noble-server-cloudimg-${arch}.img`,
  }),
};

const CT_TEMPLATES: Record<string, string> = {
  "debian-12-standard": "http://download.proxmox.com/images/system/debian-12-standard_12.7-1_amd64.tar.zst",
};

export function imageSource(guest: Guest, arch: Arch): ImageSource {
  const image = guest.image;
  const ct = guest.kind === "lxc";
  const id = image
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 48);
  if (/^[\w.-]+:[\w.-]+\/.+/.test(image)) return { kind: "existing", fileId: image };
  if (/^https?:\/\//.test(image)) {
    const base = image.split("/").pop() || "image";
    return {
      kind: "download",
      id,
      url: image,
      fileName: ct ? base : base.replace(/\.(qcow2|raw)$/, ".img"),
      contentType: ct ? "vztmpl" : "iso",
    };
  }
  if (ct && CT_TEMPLATES[image]) {
    const url = CT_TEMPLATES[image]!;
    return { kind: "download", id, url, fileName: url.split("/").pop()!, contentType: "vztmpl" };
  }
  const known = !ct ? VM_IMAGES[image] : undefined;
  if (known) return { kind: "download", id: `${id}_${arch}`, ...known(arch), contentType: "iso" };
  // Anything else names a file the user already put on the node's local storage.
  return { kind: "existing", fileId: ct ? `local:vztmpl/${image}` : `local:iso/${image}` };
}
