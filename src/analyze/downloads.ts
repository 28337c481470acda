// What build will download and whether it is pinned: a guest image fetched without any checksum
// (HL140), one whose URL serves new bytes under the same name (HL141), a user app's container image
// without a fixed tag (HL142). Catalogue images are dated builds checked against their publisher's
// checksum list (src/model/guest-images.ts); the charts and images of the platform are pinned in the
// versions table, so only what the spec names can be left unpinned.
import { diagnostic, type Diagnostic } from "../diagnostic/diagnostic.js";
import { imageSource, MOVING_URL } from "../model/guest-images.js";
import type { Model } from "../model/model.js";

/** A tag that names a release (`:latest` or no tag at all follows whatever was pushed last). */
function containerTag(image: string): string | undefined {
  if (image.includes("@sha256:")) return "digest";
  const last = image.split("/").pop() ?? image;
  const colon = last.lastIndexOf(":");
  return colon === -1 ? undefined : last.slice(colon + 1);
}

function guestImageFindings(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const g of model.guests) {
    if (g.kind === "metal") continue;
    const arch = model.hosts.find((h) => h.name === g.host)?.arch ?? "amd64";
    const src = imageSource(g, arch);
    if (src.kind !== "download") continue;
    const path = ["guests", g.name, "image"];
    if (MOVING_URL.test(src.url))
      out.push(
        diagnostic(
          model.source,
          "HL141",
          path,
          `guest \`${g.name}\` downloads ${src.url}, a URL whose content changes: a re-created guest may not get the same system`,
          "name a dated build (the folder of one release) instead of latest/current",
        ),
      );
    if (src.check.kind === "none")
      out.push(
        diagnostic(
          model.source,
          "HL140",
          path,
          `guest \`${g.name}\`'s image ${src.fileName} is downloaded without a checksum: nothing checks what Proxmox stores`,
          `set \`imageChecksum: sha512:<digest>\` (or sha256:) on guest \`${g.name}\`, from the checksum list its publisher signs`,
        ),
      );
  }
  return out;
}

function containerImageFindings(model: Model): Diagnostic[] {
  return model.services.flatMap((s) => {
    if (!s.image) return [];
    const tag = containerTag(s.image);
    if (tag && tag !== "latest") return [];
    return [
      diagnostic(
        model.source,
        "HL142",
        ["services", s.name, "image"],
        `service \`${s.name}\` runs ${s.image}, ${tag ? "the moving tag latest" : "with no tag (latest)"}: a restarted pod may run another release`,
        "name a release tag (ghcr.io/owner/app:1.2.3) or a digest (@sha256:...)",
      ),
    ];
  });
}

export const downloadFindings = (model: Model): Diagnostic[] => [
  ...guestImageFindings(model),
  ...containerImageFindings(model),
];
