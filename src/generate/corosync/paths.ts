// Where the cluster-wide files go. Corosync's file is the same on every node, so it is written once,
// under a folder no host can be named after (host names never start with `_`).
export const COROSYNC_FILE = "proxmox/_cluster/etc/corosync/corosync.conf";
