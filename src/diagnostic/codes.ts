// Every diagnostic code hlab emits, with the severity it carries and a one-line title. The table is
// the index of docs/diagnostics.md and the list the fixture tests walk.
import type { Severity } from "./diagnostic.js";

export interface CodeInfo {
  severity: Severity;
  title: string;
}

export const CODES = {
  HL001: { severity: "error", title: "YAML syntax error" },
  HL002: { severity: "error", title: "unknown key" },
  HL003: { severity: "error", title: "wrong type" },
  HL004: { severity: "error", title: "missing key" },
  HL005: { severity: "error", title: "invalid value" },
  HL010: { severity: "error", title: "duplicate address" },
  HL011: { severity: "error", title: "address outside its network" },
  HL012: { severity: "error", title: "unknown host" },
  HL013: { severity: "error", title: "unknown network" },
  HL014: { severity: "error", title: "unknown guest" },
  HL015: { severity: "error", title: "unknown gear" },
  HL016: { severity: "error", title: "unknown reference" },
  HL017: { severity: "error", title: "VIP or pool outside its network" },
  HL018: { severity: "warning", title: "static address inside the DHCP range" },
  HL019: { severity: "error", title: "reserved address (network, broadcast or gateway)" },
  HL020: { severity: "error", title: "overlapping address ranges" },
  HL021: { severity: "error", title: "guest kind does not fit its host" },
  HL022: { severity: "error", title: "unknown service" },
  HL023: { severity: "error", title: "duplicate MAC address" },
  HL024: { severity: "error", title: "duplicate VMID" },
  HL025: { severity: "error", title: "address on a network no NIC carries" },
  HL026: { severity: "warning", title: "guest role does not fit its use" },
  HL027: { severity: "error", title: "missing section" },
  HL028: { severity: "error", title: "could not read the spec file" },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
