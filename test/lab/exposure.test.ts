// Seed 002's exposure, measured: the lab loads the generated nftables rulesets and probes every
// dashboard from a client on each segment and from the VPN side (a labelled stand-in). Root only.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { planModel } from "../../src/analyze/plan.js";
import { probeExposure } from "../../src/lab/exposure-probe.js";
import { labDown, labUp, waitFor } from "../../src/lab/lifecycle.js";
import { readState, type LabState } from "../../src/lab/state.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { assertNothingLeft, ownStateDir, skipReason } from "./harness.js";

ownStateDir();
const reason = await skipReason();

test(
  "seed 002: dashboards are admin-only in the plan; the lab blocks them from public and reaches them from admin and the VPN",
  { skip: reason },
  async () => {
    const file = join("examples", "seed002-segmented.yaml");
    const model = (await loadSpecFile(file)).model!;
    for (const s of planModel(model).exposure.services)
      assert.deepEqual(s.audiences, ["admin", "vpn"], s.name);
    let state: LabState | undefined;
    try {
      // Only what the probes go through: HAProxy, the ingress stand-ins and the firewalls.
      const up = await labUp(model, file, {
        skip: ["etcd", "kubevip-standin", "corosync", "keepalived"],
        readyTimeoutMs: 60_000,
      });
      state = up.state;
      // The ingress stand-ins pass a name on to a node running it: wait until the admin side gets an
      // answer (from any node), then read every side's result of that same round.
      const plan = state.plan;
      let probes = await probeExposure(plan, model);
      await waitFor(async () => {
        probes = await probeExposure(plan, model);
        return probes.filter((p) => p.side !== "public").every((p) => p.reachable);
      }, 30_000);
      for (const svc of ["argocd", "grafana", "prometheus"]) {
        const by = Object.fromEntries(probes.filter((p) => p.service === svc).map((p) => [p.side, p]));
        assert.equal(by.public?.reachable, false, `${svc} from public: ${by.public?.detail}`);
        assert.equal(by.admin?.reachable, true, `${svc} from admin: ${by.admin?.detail}`);
        assert.equal(by.vpn?.reachable, true, `${svc} from the VPN stand-in: ${by.vpn?.detail}`);
        assert.equal(by.vpn?.standin, true);
      }
    } finally {
      if (state) {
        const latest = (await readState(state.id)) ?? state;
        assert.deepEqual((await labDown(state.id)).leftovers, []);
        await assertNothingLeft(latest);
      }
    }
  },
);
