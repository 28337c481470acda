// The shape every generated ruleset shares: one `inet hlab` table that replaces only itself when
// loaded (never `flush ruleset`, which would also wipe the rules kube-proxy, flannel or the Proxmox
// firewall keep in their own tables), a default-drop input chain with the usual first rules, and
// optional forward and NAT chains for the VPN guest.
import type { Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";

/** A rule, or a `# comment` line explaining the rules after it. */
export type Line = string;

export interface Ruleset {
  intro: string[];
  input: Line[];
  /** Routed traffic; absent means no forward chain at all (bridges and kube-proxy stay untouched). */
  forward?: Line[];
  /**
   * `accept` for a forward chain that only drops what it names: on a Proxmox host bridged guest
   * traffic also crosses it once br_netfilter is loaded. Default `drop`.
   */
  forwardPolicy?: "accept" | "drop";
  postrouting?: Line[];
}

/** `{ a, b }` for nft, or undefined when empty (an empty anonymous set is a syntax error). */
export const set = (items: (string | number)[]): string | undefined =>
  items.length === 0 ? undefined : items.length === 1 ? String(items[0]) : `{ ${items.join(", ")} }`;

/** A rule matching saddr in `sources`; nothing when the list is empty. */
export function fromSources(sources: string[], rest: string): Line[] {
  const s = set(sources);
  return s === undefined ? [] : [`ip saddr ${s} ${rest}`];
}

const chain = (name: string, hook: string, policy: string, lines: Line[]): string[] => [
  `\tchain ${name} {`,
  `\t\t${hook}; policy ${policy};`,
  ...lines.map((l) => `\t\t${l}`),
  "\t}",
];

export function renderRuleset(model: Model, r: Ruleset): string {
  const input = [
    "ct state established,related accept",
    "ct state invalid drop",
    'iifname "lo" accept',
    // Path MTU discovery, neighbour discovery and ping keep working.
    "meta l4proto { icmp, ipv6-icmp } accept",
    ...r.input,
    'counter comment "dropped by the input policy"',
  ];
  const chains = [chain("input", "type filter hook input priority filter", "drop", input)];
  if (r.forward) {
    const policy = r.forwardPolicy ?? "drop";
    const forward =
      policy === "drop"
        ? [
            "ct state established,related accept",
            ...r.forward,
            'counter comment "dropped by the forward policy"',
          ]
        : r.forward;
    chains.push(chain("forward", "type filter hook forward priority filter", policy, forward));
  }
  if (r.postrouting)
    chains.push(chain("postrouting", "type nat hook postrouting priority srcnat", "accept", r.postrouting));
  return (
    [
      hashHeader(model) + r.intro.map((l) => `# ${l}`).join("\n"),
      // Declaring then deleting the table makes the file loadable whether or not it is already there.
      "table inet hlab\ndelete table inet hlab",
      ["table inet hlab {", chains.map((c) => c.join("\n")).join("\n\n"), "}"].join("\n"),
    ].join("\n\n") + "\n"
  );
}

/** One ruleset from several roles on the same machine (a guest both VPN and load balancer). */
export function mergeRulesets(rs: Ruleset[]): Ruleset {
  const some = (pick: (r: Ruleset) => Line[] | undefined): Line[] | undefined =>
    rs.some((r) => pick(r) !== undefined) ? rs.flatMap((r) => pick(r) ?? []) : undefined;
  return {
    intro: rs.flatMap((r) => r.intro),
    input: rs.flatMap((r) => r.input),
    forward: some((r) => r.forward),
    forwardPolicy: rs.find((r) => r.forwardPolicy)?.forwardPolicy,
    postrouting: some((r) => r.postrouting),
  };
}
