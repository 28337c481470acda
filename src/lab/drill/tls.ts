// Throwaway TLS material for the lab's pgBackRest servers: one CA, one key and certificate per
// node (EC P-256, two days), made with openssl like a homelab's own small CA. Each certificate
// carries the node's address as an IP and as a DNS subjectAltName (pgBackRest 2.45 matches the host
// it dials against CN and DNS names only; see pgbackrest-config.ts) and serves both ways, as server
// and as client (its CN is what tls-server-auth authorises).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeOwnedFile } from "../../emit/write.js";
import { run } from "../../process/run.js";
import { DrillError, mustSucceed } from "./drill-common.js";

export interface CertRequest {
  node: string;
  cn: string;
  address: string;
}

const HINT = "openssl must be installed (Debian package openssl)";

export async function makeCertificates(dir: string, owner: string, requests: CertRequest[]): Promise<void> {
  // Its parent stays traversable: the servers run as `owner`, not as root.
  await mkdir(dirname(dir), { recursive: true, mode: 0o755 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = { key: join(dir, "ca.key"), crt: join(dir, "ca.crt") };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  if (!existsSync(ca.crt))
    mustSucceed(
      await run("openssl", [
        "req",
        "-x509",
        ...ec,
        "-days",
        "2",
        "-subj",
        "/CN=hlab-lab-ca",
        "-keyout",
        ca.key,
        "-out",
        ca.crt,
      ]),
      "openssl (lab CA)",
      HINT,
    );
  for (const r of requests) {
    const base = join(dir, r.node);
    if (existsSync(`${base}.crt`)) continue;
    mustSucceed(
      await run("openssl", [
        "req",
        ...ec,
        "-subj",
        `/CN=${r.cn}`,
        "-keyout",
        `${base}.key`,
        "-out",
        `${base}.csr`,
      ]),
      `openssl (key of ${r.node})`,
      HINT,
    );
    await writeOwnedFile(
      `${base}.ext`,
      `subjectAltName=IP:${r.address},DNS:${r.address}\nextendedKeyUsage=serverAuth,clientAuth\n`,
    );
    mustSucceed(
      await run("openssl", [
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        ca.crt,
        "-CAkey",
        ca.key,
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        `${base}.ext`,
        "-out",
        `${base}.crt`,
      ]),
      `openssl (certificate of ${r.node})`,
      HINT,
    );
  }
  const own = await run("sh", ["-c", 'chown -R "$1" "$2" && chmod 600 "$2"/*.key', "sh", `${owner}:`, dir]);
  if (own.code !== 0) throw new DrillError(`cannot hand ${dir} to ${owner}: ${own.stderr.trim()}`, HINT);
}
