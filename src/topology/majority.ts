// The one majority rule of every quorum hlab reasons about: corosync's votequorum, etcd's Raft and
// Patroni's DCS all need strictly more than half. votequorum computes it as (expected_votes + 2) / 2
// in integer arithmetic (corosync/corosync exec/votequorum.c calculate_quorum, tag v3.1.7), which
// is the same number.
export const majority = (n: number): number => Math.floor(n / 2) + 1;
