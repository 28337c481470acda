// The positioned topology: what topology-layout.ts computes from the model and topology-svg.ts draws.
// Pure data, in SVG user units (px); every element carries the ids the page uses to mark it.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A failure the user can inject by clicking: `host:<name>`, `nic:<host>/<nic>`, `gear:<name>`. */
export type FailureTarget = string;

export type ChipKind = "service" | "daemon" | "database" | "pool" | "pod";

export interface Chip extends Rect {
  label: string;
  kind: ChipKind;
  /** Service name (for plan/what-if marks) when the chip is a service. */
  service?: string;
  /** Component id for daemons, e.g. `etcd@k3s-1`. */
  component?: string;
  title: string;
}

export interface AddressLine {
  network: string;
  address: string;
  x: number;
  y: number;
}

export interface VipBadge extends Rect {
  address: string;
  guest: string;
  /** Nominal holder (solid) or a standby that takes over (dashed). */
  holder: boolean;
  label: string;
  title: string;
}

export interface GuestBox extends Rect {
  name: string;
  host: string;
  title: string;
  subtitle: string;
  addresses: AddressLine[];
  chips: Chip[];
  vips: VipBadge[];
}

export interface NicPort extends Rect {
  id: string;
  name: string;
  host: string;
  networks: string[];
  fail: FailureTarget;
}

export interface HostBox extends Rect {
  name: string;
  title: string;
  /** Model, resources, role in the Proxmox cluster: one line each under the title. */
  details: string[];
  /** The header strip: the click target that fails the host. */
  header: Rect;
  /** Cluster memberships shown in the header (corosync). */
  chips: Chip[];
  fail: FailureTarget;
  guests: GuestBox[];
  nics: NicPort[];
}

export interface GearBox extends Rect {
  name: string;
  kind: string;
  label: string;
  fail: FailureTarget;
}

export interface Wire {
  /** Gear name or network name the wire belongs to. */
  of: string;
  kind: "gear" | "network";
  points: [number, number][];
}

export interface NetworkBus {
  name: string;
  label: string;
  color: string;
  y: number;
  x1: number;
  x2: number;
}

export interface ClusterBand extends Rect {
  title: string;
  subtitle: string;
  chips: Chip[];
}

export interface LegendItem {
  label: string;
  color: string;
  style: "line" | "dashed-line" | "fill" | "dashed";
  /** Inside of a box sample when it differs from the outline colour. */
  fill?: string;
  x: number;
  y: number;
}

export interface TopologyLayout {
  width: number;
  height: number;
  title: string;
  subtitle: string;
  gear: GearBox[];
  hosts: HostBox[];
  networks: NetworkBus[];
  wires: Wire[];
  cluster?: ClusterBand;
  legend: LegendItem[];
}
