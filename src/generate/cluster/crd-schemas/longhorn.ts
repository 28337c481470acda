// longhorn.io/v1beta2 RecurringJob, from longhorn chart/templates/crds.yaml (v1.12).
import {
  closed,
  customResource,
  enumOf,
  int,
  str,
  stringMap,
  strings,
  type Schema,
} from "./structural-schema.js";

const spec: Schema = closed({
  name: str,
  groups: strings,
  task: enumOf(
    "snapshot",
    "snapshot-force-create",
    "snapshot-cleanup",
    "snapshot-delete",
    "backup",
    "backup-force-create",
    "filesystem-trim",
    "system-backup",
  ),
  cron: str,
  retain: int,
  concurrency: int,
  labels: stringMap,
  parameters: stringMap,
  retainAge: str,
  retentionPolicy: enumOf("count-based", "age-based"),
});

export const recurringJob = customResource("longhorn.io/v1beta2", "RecurringJob", spec, {
  namespaced: true,
  specRequired: false,
});
