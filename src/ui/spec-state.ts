// The spec the dashboard shows, reloaded when its file changes. Editors save by rewriting or by
// renaming a temporary file over the original, so the directory is watched (a watch on the file
// itself dies with the rename) and events are coalesced before reading.
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Diagnostic } from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";
import { loadSpecFile, loadSpecText } from "../spec/load.js";
import type { FailTarget, ServiceLink } from "./api-types.js";
import { serviceLinks } from "./service-links.js";
import { layoutTopology } from "./topology-layout.js";
import { topologySvg } from "./topology-svg.js";

export interface LoadedSpec {
  version: number;
  file: string;
  text: string;
  diagnostics: Diagnostic[];
  model?: Model;
}

export interface GoodSpec {
  model: Model;
  svg: string;
  targets: FailTarget[];
  services: ServiceLink[];
}

const DEBOUNCE_MS = 120;

export class SpecState {
  current: LoadedSpec;
  /** The last version that loaded without errors: the page keeps drawing it while the file is broken. */
  good?: GoodSpec;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private readonly listeners: ((version: number) => void)[] = [];

  private constructor(readonly file: string) {
    this.current = { version: 0, file, text: "", diagnostics: [] };
  }

  static async open(file: string): Promise<SpecState> {
    const s = new SpecState(file);
    await s.reload();
    return s;
  }

  onChange(listener: (version: number) => void): void {
    this.listeners.push(listener);
  }

  /** Reads the file again; bumps the version only when the text changed. Returns whether it did. */
  async reload(): Promise<boolean> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch {
      // Mid-rename the file may briefly not exist; the next event brings it back.
      return false;
    }
    if (this.current.version > 0 && text === this.current.text) return false;
    // YAML is parsed from the text just read, so the version and its diagnostics always match.
    const r = /\.(m?ts|m?js)$/.test(this.file)
      ? await loadSpecFile(this.file)
      : loadSpecText(text, this.file);
    this.current = {
      version: this.current.version + 1,
      file: this.file,
      text,
      diagnostics: r.diagnostics,
      model: r.model,
    };
    if (r.model)
      this.good = {
        model: r.model,
        svg: topologySvg(layoutTopology(r.model)),
        targets: failTargets(r.model),
        services: serviceLinks(r.model),
      };
    return true;
  }

  watch(): void {
    if (this.watcher) return;
    const name = basename(this.file);
    this.watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reloadAndNotify(), DEBOUNCE_MS);
    });
  }

  private async reloadAndNotify(): Promise<void> {
    if (await this.reload()) for (const l of this.listeners) l(this.current.version);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** Everything a what-if can fail, in the plan's naming (see analyze/components.ts). */
export function failTargets(model: Model): FailTarget[] {
  return [
    ...model.gear.map((g) => ({
      id: `gear:${g.name}`,
      kind: "gear" as const,
      label: `${g.name} (${g.kind})`,
    })),
    ...model.hosts.flatMap((h) => [
      { id: `host:${h.name}`, kind: "host" as const, label: h.name },
      ...h.nics.map((n) => ({ id: `nic:${n.id}`, kind: "nic" as const, label: `NIC ${n.id}` })),
    ]),
    ...model.guests.map((g) => ({ id: `guest:${g.name}`, kind: "guest" as const, label: `guest ${g.name}` })),
  ];
}
