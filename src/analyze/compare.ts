// Two designs side by side: per service, the figures of each and the reasons they differ (single
// points of failure one has and the other not, the largest contributor, the ingress path, host
// survival), and the findings only one of them raises.
import { hoursText, percent } from "./format.js";
import type { CompareResult, CompareRow, PlanReport, ServiceAvailability } from "./plan-report.js";

const brief = (s: ServiceAvailability): NonNullable<CompareRow["a"]> => ({
  availability: s.availability,
  downtimeHoursPerYear: s.downtimeHoursPerYear,
  spofs: s.spofs,
  ...(s.largestContributor ? { largest: s.largestContributor.component } : {}),
});

function reasons(a: ServiceAvailability, b: ServiceAvailability): string[] {
  const why: string[] = [];
  const da = a.downtimeHoursPerYear;
  const db = b.downtimeHoursPerYear;
  if (da > 0 && db > 0 && Math.abs(Math.log10(da / db)) >= 0.05) {
    why.push(
      da > db
        ? `B is down ${(da / db).toPrecision(3)} times less (${hoursText(da)} → ${hoursText(db)} a year)`
        : `B is down ${(db / da).toPrecision(3)} times more (${hoursText(da)} → ${hoursText(db)} a year)`,
    );
  }
  const onlyA = a.spofs.filter((x) => !b.spofs.includes(x));
  const onlyB = b.spofs.filter((x) => !a.spofs.includes(x));
  if (onlyA.length) why.push(`A fails with any one of ${onlyA.join(", ")}; B does not`);
  if (onlyB.length) why.push(`B fails with any one of ${onlyB.join(", ")}; A does not`);
  if (a.survivesAnyOneHost !== b.survivesAnyOneHost)
    why.push(
      a.survivesAnyOneHost
        ? "A survives any one host, B does not"
        : "A goes down with one host, B survives any one",
    );
  const la = a.largestContributor;
  const lb = b.largestContributor;
  if (la && lb && la.component !== lb.component) {
    why.push(
      `A loses most to ${la.component} (${hoursText(la.hoursPerYear)} a year), B to ${lb.component} (${hoursText(lb.hoursPerYear)})`,
    );
  }
  for (const n of a.notes.filter((x) => !b.notes.includes(x))) why.push(`A: ${n}`);
  for (const n of b.notes.filter((x) => !a.notes.includes(x))) why.push(`B: ${n}`);
  return why;
}

export function compare(a: PlanReport, b: PlanReport): CompareResult {
  const names = [
    ...new Set([
      ...a.availability.services.map((s) => s.name),
      ...b.availability.services.map((s) => s.name),
    ]),
  ];
  const rows: CompareRow[] = names.map((name) => {
    const sa = a.availability.services.find((s) => s.name === name);
    const sb = b.availability.services.find((s) => s.name === name);
    return {
      name,
      kind: (sa ?? sb)!.kind,
      ...(sa ? { a: brief(sa) } : {}),
      ...(sb ? { b: brief(sb) } : {}),
      why: sa && sb ? reasons(sa, sb) : [sa ? "only in A" : "only in B"],
    };
  });
  const codes = (r: PlanReport): Map<string, string> => {
    const m = new Map<string, string>();
    for (const d of r.findings) if (!m.has(d.code)) m.set(d.code, d.message);
    return m;
  };
  const ca = codes(a);
  const cb = codes(b);
  const findingsOnlyInA = [...ca].filter(([c]) => !cb.has(c)).map(([code, message]) => ({ code, message }));
  const findingsOnlyInB = [...cb].filter(([c]) => !ca.has(c)).map(([code, message]) => ({ code, message }));
  const side = (r: PlanReport): CompareResult["a"] => ({
    name: r.name,
    file: r.file,
    errors: r.summary.errors,
    warnings: r.summary.warnings,
    survivesAnyOneHost: r.summary.survivesAnyOneHost,
  });
  const lines: string[] = [];
  lines.push(
    `A: ${a.summary.errors} error(s), ${a.summary.warnings} warning(s); B: ${b.summary.errors} error(s), ${b.summary.warnings} warning(s).`,
  );
  const apps = (r: PlanReport): ServiceAvailability[] =>
    r.availability.services.filter((s) => s.kind === "service");
  const mean = (list: ServiceAvailability[]): number =>
    list.length ? list.reduce((s, x) => s + x.availability, 0) / list.length : 1;
  lines.push(`Mean service availability: A ${percent(mean(apps(a)))}, B ${percent(mean(apps(b)))}.`);
  lines.push(
    `One host lost: A ${a.summary.survivesAnyOneHost ? "survives any" : `loses ${a.summary.servicesLostWithOneHost.length} service(s)`}, B ${
      b.summary.survivesAnyOneHost
        ? "survives any"
        : `loses ${b.summary.servicesLostWithOneHost.length} service(s)`
    }.`,
  );
  for (const f of findingsOnlyInA) lines.push(`Only A: ${f.code} ${f.message}`);
  for (const f of findingsOnlyInB) lines.push(`Only B: ${f.code} ${f.message}`);
  return { a: side(a), b: side(b), rows, findingsOnlyInA, findingsOnlyInB, lines };
}
