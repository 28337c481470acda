// Where a guest's OS image comes from: a known cloud image or container template (downloaded onto
// the node by Proxmox itself), a URL, or a file already on a Proxmox storage (`storage:content/file`).
// Known images are dated builds, never a moving `latest`: a re-created VM gets the same bytes. Each
// download is checked against the spec's `imageChecksum`, else against the checksum file its
// publisher puts beside the dated build; a URL or template with neither is downloaded unchecked,
// and `hlab plan` says so (HL140), as it does for a URL that moves (HL141).
import type { Guest } from "./model.js";

export type ChecksumAlgorithm = "sha256" | "sha512";

export type ImageCheck =
  /** A checksum given in the spec. */
  | { kind: "pinned"; algorithm: ChecksumAlgorithm; value: string }
  /** The publisher's checksum list of the dated build, which names the file. */
  | { kind: "publisher"; algorithm: ChecksumAlgorithm; sumsUrl: string; entry: string }
  | { kind: "none" };

export type ImageSource =
  | {
      kind: "download";
      id: string;
      url: string;
      fileName: string;
      contentType: "iso" | "vztmpl";
      check: ImageCheck;
    }
  | { kind: "existing"; fileId: string };

export type Arch = "amd64" | "arm64";

interface KnownImage {
  url: string;
  fileName: string;
  check: ImageCheck;
}

/**
 * A dated Debian cloud build; SHA512SUMS sits in the build's folder (cloud.debian.org/images/cloud/
 * <codename>/<build>/). The builds are named in public Proxmox/OpenTofu configurations; Debian
 * removes old builds after a while, so bump the date when the download answers 404.
 */
const debianCloud = (release: string, codename: string, build: string) => (arch: Arch) => {
  const folder = `https://cloud.debian.org/images/cloud/${codename}/${build}`;
  const file = `debian-${release}-genericcloud-${arch}-${build}.qcow2`;
  return {
    url: `${folder}/${file}`,
    // Proxmox only imports disk images named .img from "iso" storage; the content is qcow2.
    fileName: `debian-${release}-genericcloud-${arch}-${build}.img`,
    check: { kind: "publisher", algorithm: "sha512", sumsUrl: `${folder}/SHA512SUMS`, entry: file },
  } satisfies KnownImage;
};

/** A dated Ubuntu cloud build, with the SHA256SUMS of its folder. */
const ubuntuCloud = (codename: string, build: string) => (arch: Arch) => {
  const folder = `https://cloud-images.ubuntu.com/${codename}/${build}`;
  const file = `${codename}-server-cloudimg-${arch}.img`;
  return {
    url: `${folder}/${file}`,
    fileName: `${codename}-server-cloudimg-${arch}-${build}.img`,
    check: { kind: "publisher", algorithm: "sha256", sumsUrl: `${folder}/SHA256SUMS`, entry: `*${file}` },
  } satisfies KnownImage;
};

const VM_IMAGES: Record<string, (arch: Arch) => KnownImage> = {
  "debian-12-genericcloud": debianCloud("12", "bookworm", "20250210-2019"),
  "debian-13-genericcloud": debianCloud("13", "trixie", "20251006-2257"),
  "ubuntu-24.04": ubuntuCloud("noble", "20250610"),
};

/** Versioned Proxmox templates (pinned by name; Proxmox publishes no checksum file beside them). */
const CT_TEMPLATES: Record<string, string> = {
  "debian-12-standard": "http://download.proxmox.com/images/system/debian-12-standard_12.7-1_amd64.tar.zst",
};

/** A URL whose content changes under the same name. */
export const MOVING_URL = /\/(latest|current|daily|nightly)\//;

function specCheck(guest: Guest): ImageCheck | undefined {
  const m = /^(sha256|sha512):([0-9a-f]+)$/.exec(guest.imageChecksum ?? "");
  return m ? { kind: "pinned", algorithm: m[1] as ChecksumAlgorithm, value: m[2]! } : undefined;
}

export function imageSource(guest: Guest, arch: Arch): ImageSource {
  const image = guest.image;
  const ct = guest.kind === "lxc";
  const id = image
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 48);
  const pinned = specCheck(guest);
  if (/^[\w.-]+:[\w.-]+\/.+/.test(image)) return { kind: "existing", fileId: image };
  if (/^https?:\/\//.test(image)) {
    const base = image.split("/").pop() || "image";
    return {
      kind: "download",
      id,
      url: image,
      fileName: ct ? base : base.replace(/\.(qcow2|raw)$/, ".img"),
      contentType: ct ? "vztmpl" : "iso",
      check: pinned ?? { kind: "none" },
    };
  }
  if (ct && CT_TEMPLATES[image]) {
    const url = CT_TEMPLATES[image]!;
    return {
      kind: "download",
      id,
      url,
      fileName: url.split("/").pop()!,
      contentType: "vztmpl",
      check: pinned ?? { kind: "none" },
    };
  }
  const known = !ct ? VM_IMAGES[image] : undefined;
  if (known) {
    const k = known(arch);
    return { kind: "download", id: `${id}_${arch}`, ...k, contentType: "iso", check: pinned ?? k.check };
  }
  // Anything else names a file the user already put on the node's local storage.
  return { kind: "existing", fileId: ct ? `local:vztmpl/${image}` : `local:iso/${image}` };
}

/** The known images as pinned (amd64 builds), for `hlab versions`. */
export function knownImagePins(): { name: string; file: string; url: string; check: string }[] {
  return [
    ...Object.entries(VM_IMAGES).map(([name, at]) => {
      const img = at("amd64");
      return {
        name,
        file: img.fileName,
        url: img.url,
        check: img.check.kind === "publisher" ? `${img.check.algorithm} from ${img.check.sumsUrl}` : "none",
      };
    }),
    ...Object.entries(CT_TEMPLATES).map(([name, url]) => ({
      name,
      file: url.split("/").at(-1)!,
      url,
      check: "none (Proxmox publishes none)",
    })),
  ];
}
