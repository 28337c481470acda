// The bodies the dashboard's POST routes accept, checked before a handler sees them: a body that is
// not what the page sends (null, an array, a number where a string goes, megabytes) is the client's
// mistake and is answered 400 or 413 with a JSON message, never a server error.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { LabFaultRequest, LabRestoreRequest, WhatIfRequest } from "./api-types.js";

export const MAX_BODY_BYTES = 64 * 1024;

/** A part or fault id is a short name (`host:pve-01`, `kill lb-1:keepalived`), not a document. */
const id = z.string().min(1).max(200);

export const WHAT_IF_REQUEST = z.strictObject({
  failures: z.array(id).max(1000),
}) satisfies z.ZodType<WhatIfRequest>;

export const LAB_FAULT_REQUEST = z.strictObject({ fault: id }) satisfies z.ZodType<LabFaultRequest>;

export const LAB_RESTORE_REQUEST = z.strictObject({
  fault: id.optional(),
}) satisfies z.ZodType<LabRestoreRequest>;

/** A request the client got wrong: answered with its status, not as a server error. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** The body as JSON, checked against `schema`; an empty body reads as `{}`. */
export async function readBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const value = await readJson(req);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? issue.path.join(".") : "the body";
  throw new HttpError(400, `${where}: ${issue.message}`);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolvePromise, reject) => {
    let size = 0;
    let refused = false;
    const chunks: Buffer[] = [];
    req.on("data", (b: Buffer) => {
      if (refused) return;
      size += b.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        req.pause();
        reject(tooLarge());
      } else chunks.push(b);
    });
    req.on("end", () => {
      if (refused) return;
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolvePromise({});
      try {
        resolvePromise(JSON.parse(text) as unknown);
      } catch {
        reject(new HttpError(400, "the body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

/** The rest of the body is never read: the server closes the connection with the answer. */
const tooLarge = (): HttpError => new HttpError(413, `the body is over ${MAX_BODY_BYTES / 1024} KiB`);
