// One-shot requests from inside a lab namespace, for `lab status` and the runner (the hlab process
// itself lives in the root namespace, which has no address on the lab's networks).
//   node client.js http URL [timeoutMs] [host] [localAddress]   -> {"status":200,"body":"..."}
//   node client.js sql < {"conn":{...},"sql":"..."}  -> {"rows":[...],"command":"..."}
// SQL credentials come on stdin, never on the command line.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { pgQuery, type PgConnectOptions } from "./pg-wire.js";

function http(
  url: string,
  timeoutMs: number,
  host?: string,
  localAddress?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { agent: false, timeout: timeoutMs, headers: host ? { host } : {}, localAddress };
    const req = request(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === "http") {
    const r = await http(rest[0]!, Number(rest[1] ?? 2000), rest[2], rest[3]);
    process.stdout.write(JSON.stringify(r) + "\n");
  } else if (cmd === "sql") {
    const input = JSON.parse(readFileSync(0, "utf8")) as { conn: PgConnectOptions; sql: string };
    const r = await pgQuery(input.conn, input.sql);
    process.stdout.write(JSON.stringify(r) + "\n");
  } else {
    throw new Error(`unknown command ${cmd ?? ""}`);
  }
}

main().catch((err: Error) => {
  process.stdout.write(JSON.stringify({ error: err.message }) + "\n");
  process.exit(1);
});
