// The plan's SLOs as Prometheus and Grafana will read them: every example's PrometheusRule goes through
// `promtool check rules` (Debian's prometheus package), a `promtool test rules` run shows the burn-rate
// alerts fire on an outage and stay quiet before it, and the dashboard is checked against Grafana's
// own limits (each with its source below) and against the series the rules record.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { stringify } from "yaml";
import { planAlertRules } from "../../src/generate/cluster/alert-rules.js";
import { monitoringComponent } from "../../src/generate/cluster/monitoring.js";
import { serviceSlos } from "../../src/generate/cluster/slo.js";
import { SLO_DASHBOARD_FILE } from "../../src/generate/cluster/slo-dashboard.js";
import { sloScrapeConfigs } from "../../src/generate/cluster/slo-probes.js";
import type { Model } from "../../src/model/model.js";
import { SLI_METRIC, SLO_PROBE_JOB, SLO_SERIES, sloWindows } from "../../src/model/slo.js";
import { hasCommand, run } from "../../src/process/run.js";
import { EXAMPLES, exampleModel, exampleName } from "./fixtures.js";

const work = mkdtempSync(join(tmpdir(), "hlab-slo-"));
after(() => rmSync(work, { recursive: true, force: true }));
const promtool = await hasCommand("promtool");
const noPromtool = promtool ? false : "promtool is not installed (scripts/setup.sh installs prometheus)";

interface Group {
  name: string;
  rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[];
}

const groupsOf = (model: Model): Group[] =>
  ((planAlertRules(model)?.spec as { groups?: Group[] } | undefined)?.groups ?? []) as Group[];

function rulesFile(name: string, groups: Group[]): string {
  const path = join(work, `${name}.rules.yaml`);
  writeFileSync(path, stringify({ groups }));
  return path;
}

async function promtoolOk(args: string[]): Promise<void> {
  const r = await run("promtool", args, { timeoutMs: 30_000 });
  assert.equal(r.code, 0, `promtool ${args.join(" ")}:\n${r.stdout}${r.stderr}`);
}

for (const file of EXAMPLES) {
  const name = exampleName(file);
  test(`${name}: every generated rule passes promtool check rules`, { skip: noPromtool }, async () => {
    const groups = groupsOf(await exampleModel(file));
    if (groups.length === 0) return;
    await promtoolOk(["check", "rules", rulesFile(name, groups)]);
  });
}

test("seed004: one SLO per service with a target, predicted by the plan, probed at its URL", async () => {
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  const slos = serviceSlos(model);
  const withTarget = model.services.filter((s) => s.target !== undefined).map((s) => s.name);
  assert.deepEqual(
    slos.map((s) => s.service),
    [...withTarget].sort(),
  );
  for (const s of slos) {
    assert.equal(s.target, model.services.find((x) => x.name === s.service)?.target);
    assert.ok(s.predicted > 0.9 && s.predicted < 1, `${s.service}: predicted ${s.predicted}`);
    assert.match(s.url, /^https:\/\/[a-z0-9.-]+\/$/);
  }
  const job = sloScrapeConfigs(model)[0] as { job_name: string; static_configs: { targets: string[] }[] };
  assert.equal(job.job_name, SLO_PROBE_JOB);
  assert.deepEqual(
    job.static_configs.map((c) => c.targets[0]),
    slos.map((s) => s.url),
  );
  // Every window the alerts read is recorded, and the period's availability with it.
  const records = new Set(groupsOf(model).flatMap((g) => g.rules.flatMap((r) => r.record ?? [])));
  for (const w of sloWindows()) assert.ok(records.has(SLO_SERIES.errors(w)), w);
  assert.ok(records.has(SLO_SERIES.availability));
});

test("examples without a target get no SLO rules, probes or dashboard", async () => {
  const model = await exampleModel("examples/seed000-single-node.yaml");
  assert.deepEqual(serviceSlos(model), []);
  assert.ok(!groupsOf(model).some((g) => g.name.startsWith("hlab.slo")));
  const c = monitoringComponent(model);
  assert.equal(c?.manifests["slo-dashboard"], undefined);
  assert.ok(!c?.charts.some((h) => h.pin.chart === "prometheus-blackbox-exporter"));
});

test(
  "an hour-long outage of one service fires its fast burn alert, not before",
  { skip: noPromtool },
  async () => {
    const model = await exampleModel("examples/seed004-three-nodes.yaml");
    const groups = groupsOf(model).filter((g) => g.name.startsWith("hlab.slo"));
    const slos = serviceSlos(model);
    const victim = slos.find((s) => s.service === "grafana")!;
    const fast = groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === "ErrorBudgetBurningFast" && r.labels?.service === victim.service) as
      { annotations: Record<string, string>; labels: Record<string, string> } | undefined;
    assert.ok(fast);
    const series = (service: string, values: string) => ({
      series: `${SLI_METRIC}{job="${SLO_PROBE_JOB}",service="${service}",instance="probe"}`,
      values,
    });
    // 30 s scrapes: one hour up, then one hour down for the victim; the others stay up.
    const input = slos.map((s) => series(s.service, s.service === victim.service ? "1x120 0x120" : "1x240"));
    const rules = rulesFile("seed004-slo", groups);
    const unit = join(work, "slo.test.yaml");
    writeFileSync(
      unit,
      stringify({
        rule_files: [rules],
        evaluation_interval: "30s",
        tests: [
          {
            interval: "30s",
            input_series: input,
            alert_rule_test: [
              { eval_time: "55m", alertname: "ErrorBudgetBurningFast", exp_alerts: [] },
              {
                eval_time: "70m",
                alertname: "ErrorBudgetBurningFast",
                exp_alerts: [{ exp_labels: fast.labels, exp_annotations: fast.annotations }],
              },
            ],
            promql_expr_test: [
              {
                // 241 samples over two hours, 120 of them failed; the target and prediction are constants.
                expr: `${SLO_SERIES.availability}{service="${victim.service}"}`,
                eval_time: "120m",
                exp_samples: [
                  { labels: `${SLO_SERIES.availability}{service="${victim.service}"}`, value: 121 / 241 },
                ],
              },
              {
                expr: `${SLO_SERIES.predicted}{service="${victim.service}"}`,
                eval_time: "1m",
                exp_samples: [
                  {
                    labels: `${SLO_SERIES.predicted}{service="${victim.service}"}`,
                    // The rules carry ten significant digits.
                    value: Number(victim.predicted.toPrecision(10)),
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    await promtoolOk(["test", "rules", unit]);
  },
);

// --- the dashboard ----------------------------------------------------------------------------------
// Grafana's limits: a dashboard UID is at most 40 characters of letters, digits, '-' and '_'
// (grafana/grafana pkg/util/shortid_generator.go, MaxUIDLength and validUIDPattern); the grid is 24
// columns, a panel at least 1 high (kinds/dashboard/dashboard_kind.cue, #GridPos); the schema versions
// Grafana migrates are 9 to 42 (apps/dashboard/pkg/migration/schemaversion/migrations.go). The sidecar
// label and the data source uid are kube-prometheus-stack-88.5.3's (values.yaml grafana.sidecar).
const GRAFANA = { maxUid: 40, uid: /^[a-zA-Z0-9_-]+$/, columns: 24, minSchema: 9, maxSchema: 42 };

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: { refId: string; expr: string; datasource: { uid: string } }[];
}

test("seed004: the SLO dashboard fits Grafana's schema and reads only series the rules record", async () => {
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  const cm = monitoringComponent(model)?.manifests["slo-dashboard"]?.[0] as
    { metadata: { labels: Record<string, string> }; data: Record<string, string> } | undefined;
  assert.ok(cm, "a dashboard ConfigMap");
  assert.equal(cm.metadata.labels.grafana_dashboard, "1");
  const d = JSON.parse(cm.data[SLO_DASHBOARD_FILE]!) as {
    uid: string;
    title: string;
    schemaVersion: number;
    panels: Panel[];
  };
  assert.ok(d.uid.length <= GRAFANA.maxUid && GRAFANA.uid.test(d.uid), d.uid);
  assert.ok(d.title.length > 0);
  assert.ok(d.schemaVersion >= GRAFANA.minSchema && d.schemaVersion <= GRAFANA.maxSchema);
  assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length, "unique panel ids");
  for (const p of d.panels) {
    const g = p.gridPos;
    assert.ok(
      g.w > 0 && g.h > 0 && g.x >= 0 && g.x + g.w <= GRAFANA.columns,
      `${p.title}: ${JSON.stringify(g)}`,
    );
    assert.equal(p.datasource.uid, "prometheus");
    assert.equal(new Set(p.targets.map((t) => t.refId)).size, p.targets.length, `${p.title}: refIds`);
  }
  for (const [i, a] of d.panels.entries())
    for (const b of d.panels.slice(i + 1)) {
      const A = a.gridPos;
      const B = b.gridPos;
      const apart = A.x + A.w <= B.x || B.x + B.w <= A.x || A.y + A.h <= B.y || B.y + B.h <= A.y;
      assert.ok(apart, `${a.title} overlaps ${b.title}`);
    }
  // Every hlab: series a panel queries is recorded by a rule.
  const records = new Set(groupsOf(model).flatMap((g) => g.rules.flatMap((r) => r.record ?? [])));
  for (const p of d.panels)
    for (const t of p.targets)
      for (const s of t.expr.match(/hlab:[a-z0-9_:]+/g) ?? []) assert.ok(records.has(s), `${p.title}: ${s}`);
  // And every query parses as PromQL: promtool checks them as recording rules.
  if (promtool) {
    const queries: Group = {
      name: "dashboard",
      rules: d.panels.flatMap((p) =>
        p.targets.map((t) => ({ record: `dashboard:panel${p.id}:${t.refId}`, expr: t.expr })),
      ),
    };
    await promtoolOk(["check", "rules", rulesFile("dashboard", [queries])]);
  }
});
