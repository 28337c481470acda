// A change plan as text (the terminal, compiler-like: one block per step) and as Markdown (for the
// docs, and as the runbook with the commands of every step). Both read only the ChangePlan.
import { displayName, msText } from "../format.js";
import type { HostLoss } from "../plan-report.js";
import type { ChangePlan, ChangeStep, LayerState, ServiceDuringStep } from "./change-report.js";

/** Layers worth a line after each step: the quorums and the load-balancer pairs. */
const shownLayer = (l: LayerState): boolean => l.quorum || l.layer.startsWith("load-balancer:");

const layerName = (l: LayerState): string =>
  l.layer === "corosync"
    ? "corosync"
    : l.layer === "etcd"
      ? l.title.includes("sqlite")
        ? "K3s (sqlite)"
        : "etcd"
      : l.layer.replace(/^load-balancer:/, "LB ").replace(/^database:/, "db ");

function layersText(layers: readonly LayerState[]): string {
  const shown = layers.filter(shownLayer);
  if (!shown.length) return "no quorum layer";
  return shown
    .map((l) => `${layerName(l)} ${l.up} of ${l.total} (needs ${l.needed})${l.quorate ? "" : " LOST"}`)
    .join(", ");
}

function duringText(services: readonly ServiceDuringStep[]): string {
  const hit = services.filter((s) => s.outageMs > 0);
  if (!hit.length) return "no service interrupted";
  return hit
    .map((s) => `${displayName(s)} ${s.status === "down" ? "down" : "fails over"} ${msText(s.outageMs)}`)
    .join(", ");
}

function furtherText(losses: readonly HostLoss[]): string {
  if (!losses.length) return "any one host may fail: nothing goes down";
  return losses
    .map((l) => {
      const what = l.everyService
        ? "every service"
        : [...l.down, ...(l.kubernetesApi ? ["the Kubernetes API"] : [])].join(", ");
      return `losing ${l.host} takes down ${what}`;
    })
    .join("; ");
}

const durationText = (ms: number): string =>
  ms >= 60_000 ? `about ${msText(Math.round(ms / 60_000) * 60_000)}` : msText(ms);

export function renderChangeText(plan: ChangePlan): string {
  const out: string[] = [`hlab plan: ${plan.title}`, ""];
  for (const l of plan.lines) out.push(l);
  for (const s of plan.steps) {
    out.push("", `Step ${s.index}  ${s.title}`);
    out.push(`  on ${s.machine}, ${durationText(s.durationMs)}${s.why ? `: ${s.why}` : ""}`);
    if (s.outage)
      out.push(`  outage: ${outageNames(s)} down ${durationText(s.outage.ms)}: ${s.outage.reason}`);
    out.push(`  during: ${duringText(s.during.services)}; ${layersText(s.during.layers)}`);
    out.push(`  after:  ${layersText(s.after.layers)}`);
    out.push(`  then:   ${furtherText(s.after.furtherFailure)}`);
  }
  if (plan.outageByService.length) {
    out.push("", "Expected interruption over the whole change");
    for (const o of plan.outageByService) out.push(`  ${displayName(o)}: ${msText(o.ms)}`);
  }
  return out.join("\n");
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

export interface MarkdownOptions {
  /** With the commands of each step: the runbook. */
  commands?: boolean;
}

export function renderChangeMarkdown(plan: ChangePlan, options: MarkdownOptions = {}): string {
  const out: string[] = [`# ${options.commands ? "Runbook" : "Change plan"}: ${plan.title}`, ""];
  for (const l of plan.lines) out.push(`- ${l}`);
  out.push("", "| step | on | action | duration | interruption |", "| --- | --- | --- | --- | --- |");
  for (const s of plan.steps)
    out.push(
      `| ${s.index} | ${cell(s.machine)} | ${cell(s.title)} | ${durationText(s.durationMs)} | ${cell(s.outage ? `**outage**: ${duringText(s.during.services)}` : duringText(s.during.services))} |`,
    );
  if (options.commands)
    out.push(
      "",
      `Before step 1: \`hlab build ${plan.to.file} --out REPO\` and work from \`REPO\` (the commands below use its paths);`,
      "`(workstation)` is where that repository is checked out, with `kubectl` and `tofu`.",
    );
  for (const s of plan.steps) out.push("", ...stepMarkdown(s, options));
  if (plan.outageByService.length) {
    out.push("", "## Expected interruption over the whole change", "");
    for (const o of plan.outageByService) out.push(`- ${displayName(o)}: ${msText(o.ms)}`);
  }
  return out.join("\n") + "\n";
}

function stepMarkdown(s: ChangeStep, options: MarkdownOptions): string[] {
  const out = [`## Step ${s.index}: ${s.title}`, ""];
  out.push(`On \`${s.machine}\`, ${durationText(s.durationMs)}.${s.why ? ` ${capital(s.why)}.` : ""}`, "");
  if (s.outage)
    out.push(
      `> **Outage**: ${outageNames(s)} down ${durationText(s.outage.ms)}. ${capital(s.outage.reason)}.`,
      "",
    );
  out.push(`- During: ${duringText(s.during.services)}; ${layersText(s.during.layers)}.`);
  out.push(`- After: ${layersText(s.after.layers)}.`);
  out.push(`- Then: ${furtherText(s.after.furtherFailure)}.`);
  if (options.commands && s.commands.length) {
    out.push("", "```sh");
    let on = "";
    for (const c of s.commands) {
      if (c.on !== on) out.push(`# on ${c.on}`);
      on = c.on;
      out.push(c.run);
    }
    out.push("```");
  }
  return out;
}

const outageNames = (s: ChangeStep): string =>
  s.during.services
    .filter((x) => s.outage!.services.includes(x.name))
    .map(displayName)
    .join(", ") || "quorum";

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
