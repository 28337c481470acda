// Default failure and repair figures, used where the spec gives none. Sources and reasoning are in
// docs/availability-model.md; the figures are deliberately pessimistic for home gear, where software,
// updates and power cause more downtime than hardware (shared/reference/ha-timings.md).

export interface DefaultFigure {
  mtbfHours: number;
  mttrHours: number;
  why: string;
}

export const RELIABILITY_DEFAULTS = {
  "host.proxmox": {
    mtbfHours: 2160,
    mttrHours: 4,
    why: "mini PC 24x7: an outage a quarter (updates, crashes, hardware), 4 h to fix",
  },
  "host.baremetal": { mtbfHours: 2160, mttrHours: 4, why: "as a Proxmox host" },
  "host.sbc": {
    mtbfHours: 1440,
    mttrHours: 4,
    why: "single-board computer: SD/power issues, an outage every two months",
  },
  nic: { mtbfHours: 43800, mttrHours: 24, why: "onboard NIC: about once in five years, a day to replace" },
  "guest.vm": {
    mtbfHours: 720,
    mttrHours: 0.1,
    why: "guest OS crash or hang once a month, restarted in 6 min",
  },
  "guest.lxc": { mtbfHours: 720, mttrHours: 0.05, why: "container restart is faster than a VM boot" },
  "guest.metal": { mtbfHours: 1e9, mttrHours: 0, why: "the OS of a bare-metal host fails with the host" },
  "gear.power": { mtbfHours: 4380, mttrHours: 1, why: "home mains: a cut twice a year, an hour long" },
  "gear.ups": { mtbfHours: 43800, mttrHours: 24, why: "UPS electronics" },
  "gear.switch": { mtbfHours: 43800, mttrHours: 24, why: "unmanaged switch: once in five years" },
  "gear.isp-router": {
    mtbfHours: 2190,
    mttrHours: 2,
    why: "ISP box: reboots and firmware updates, quarterly",
  },
  "gear.rack": { mtbfHours: 87600, mttrHours: 24, why: "shelf, cabling" },
  "gear.other": { mtbfHours: 8760, mttrHours: 24, why: "unknown gear: once a year, a day" },
} as const satisfies Record<string, DefaultFigure>;

export type DefaultFigureName = keyof typeof RELIABILITY_DEFAULTS;
