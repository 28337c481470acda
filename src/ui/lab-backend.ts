// The dashboard's window on a running lab, through the lab's own functions (no CLI): which lab runs
// this spec (its state file names the spec), its status, one probe per VIP per poll for the
// timeline, and the lab's fault injection and restore.
import { resolve } from "node:path";
import { isUserError } from "../diagnostic/user-error.js";
import { applyFault, parseFaultArgs, restoreFaults } from "../lab/chaos.js";
import type { LabPlan } from "../lab/lab-plan.js";
import { recordedAlive } from "../lab/lifecycle.js";
import { ingressProbeAddress, INGRESS_PORT, probeTargets } from "../lab/probe-target.js";
import { K3S_API_PORT } from "../topology/ports.js";
import { listLabs, readState, type LabState } from "../lab/state.js";
import { clientRequest, labStatus } from "../lab/status.js";
import type { Model } from "../model/model.js";
import type { ActionResponse, LabProbePoint, LabResponse, LabServiceHealth } from "./api-types.js";
import type { LabBackend } from "./backends.js";
import { labFaults, labView } from "./lab-view-model.js";

export interface LabBackendOptions {
  spec: string;
  /** Follow this lab instead of looking for the one running `spec`. */
  labId?: string;
}

const PROBE_TIMEOUT_MS = 800;

export function labBackend(opts: LabBackendOptions): LabBackend {
  /** Which button injected each fault (by the lab's fault id), to light up that button only. */
  const buttons = new Map<string, string>();
  const find = async (): Promise<LabState | undefined> => {
    if (opts.labId) return readState(opts.labId);
    const spec = resolve(opts.spec);
    const states = (
      await Promise.all((await listLabs()).map((id) => readState(id).catch(() => undefined)))
    ).filter((s): s is LabState => s !== undefined && s.spec === spec);
    // Several labs of one spec: the newest that is up (else the newest, to say it is starting).
    const newest = states.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return newest.find((s) => s.phase === "up") ?? newest[0];
  };
  const running = async (): Promise<LabState | string> => {
    const s = await find();
    if (!s)
      return opts.labId
        ? `no lab ${opts.labId} (it may have been brought down)`
        : `no lab of ${opts.spec} is up`;
    if (s.phase !== "up") return `lab ${s.id} is ${s.phase === "creating" ? "starting" : "stopping"}`;
    return s;
  };

  return {
    async status(model: Model): Promise<LabResponse> {
      const s = await running();
      if (typeof s === "string") return { available: true, running: false, reason: s };
      const [status, probes, services] = await Promise.all([
        labStatus(s, recordedAlive),
        probeVips(s.plan, model),
        probeServices(s.plan, model),
      ]);
      return {
        available: true,
        running: true,
        view: labView(model, s.plan, s.launches, status, probes, Date.now(), buttons, services),
      };
    },

    async fault(_model: Model, fault: string): Promise<ActionResponse> {
      const s = await running();
      if (typeof s === "string") return { ok: false, message: s };
      const [kind = "", target = ""] = fault.split(" ");
      try {
        const applied = await applyFault(s.id, parseFaultArgs(s.plan, kind, [target], {}));
        buttons.set(applied.id, fault);
        return { ok: true, message: applied.description };
      } catch (err) {
        // A refused fault, or a lab locked by another command: the user's to fix, shown on the page.
        if (isUserError(err)) return { ok: false, message: `${err.message} (${err.hint})` };
        throw err;
      }
    },

    async restore(_model: Model, fault?: string): Promise<ActionResponse> {
      const s = await running();
      if (typeof s === "string") return { ok: false, message: s };
      let ids: string[] | undefined;
      if (fault !== undefined) {
        const [kind] = fault.split(" ");
        const target = labFaults(s.plan, s.launches, []).find((f) => f.id === fault)?.target;
        // The faults this button injected, else (injected from the CLI) those of its kind and target.
        ids = s.faults
          .filter((f) =>
            buttons.has(f.id)
              ? buttons.get(f.id) === fault
              : f.kind === kind &&
                f.target === target &&
                (f.detail === undefined || `${f.kind} ${f.target}:${f.detail}` === fault),
          )
          .map((f) => f.id);
        if (ids.length === 0) return { ok: false, message: `${fault} is not active` };
      }
      const done = await restoreFaults(s.id, ids);
      for (const id of done) buttons.delete(id);
      return { ok: true, message: done.length ? `restored ${done.join(", ")}` : "nothing to restore" };
    },
  };
}

/**
 * One probe per service, the lab's own (`http:<name>` of probe-target.ts: GET / with the service's
 * hostname through the ingress address), so a tile says what `hlab lab run` would measure.
 */
async function probeServices(plan: LabPlan, model: Model): Promise<LabServiceHealth[]> {
  const address = ingressProbeAddress(plan, model.kubernetes?.ingress.address);
  const targets = probeTargets(plan, {}, { address }, () => "").filter((t) => t.kind === "http");
  return Promise.all(
    targets.map(async (t) => {
      const r = await clientRequest<{ status: number }>(
        plan,
        ["http", `http://${t.address}:${t.port}/`, String(PROBE_TIMEOUT_MS), t.host ?? ""],
        undefined,
        PROBE_TIMEOUT_MS + 2000,
      );
      const name = t.id.slice("http:".length);
      if ("error" in r) return { name, ok: false, detail: r.error };
      return { name, ok: r.status === 200, detail: `HTTP ${r.status}` };
    }),
  );
}

/**
 * One HTTP probe per VIP from the lab's client namespace: the API's readiness on the API port,
 * the ingress health page otherwise. Database addresses are left to the status (primary shown).
 */
async function probeVips(plan: LabPlan, model: Model): Promise<Record<string, LabProbePoint[]>> {
  const targets = plan.vips.flatMap((v) => {
    if (v.purposes.includes("api"))
      return [{ address: v.address, url: `http://${v.address}:${K3S_API_PORT}/readyz` }];
    const lb = model.loadBalancers.find((l) => v.purposes.includes(`lb:${l.name}`));
    const port = lb
      ? (lb.frontends.find((f) => f.port === INGRESS_PORT) ?? lb.frontends[0])?.port
      : v.purposes.includes("ingress")
        ? INGRESS_PORT
        : undefined;
    return port === undefined ? [] : [{ address: v.address, url: `http://${v.address}:${port}/healthz` }];
  });
  const results = await Promise.all(
    targets.map(async (t) => {
      const at = Date.now();
      const r = await clientRequest<{ status: number }>(
        plan,
        ["http", t.url, String(PROBE_TIMEOUT_MS)],
        undefined,
        PROBE_TIMEOUT_MS + 2000,
      );
      const point: LabProbePoint = { at, ok: !("error" in r) && r.status === 200 };
      return [t.address, [point]];
    }),
  );
  return Object.fromEntries(results);
}
