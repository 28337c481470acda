import assert from "node:assert/strict";
import { test } from "node:test";
import { labPlan } from "../../src/lab/lab-plan.js";
import { launchCommand } from "../../src/lab/launcher.js";
import { nodeBatch, rootBatch, setupOrder } from "../../src/lab/netns.js";
import { loadSpecFile } from "../../src/spec/load.js";

test("the root batch only ever names lab-owned interfaces in the root namespace", async () => {
  const r = await loadSpecFile("examples/seed003-lb-pair.yaml");
  const plan = labPlan(r.model!, "hl0abc");
  const lines = rootBatch(plan);
  for (const line of lines) {
    const m = /^link (add|set dev) (\S+)/.exec(line);
    if (m) assert.match(m[2]!, /^hl0abc[sp]\d+$/, line);
  }
  // NICs named eth0 are created directly inside their namespace.
  assert.ok(lines.some((l) => /peer name eth0 netns hl0abc-p1$/.test(l)));
  assert.ok(
    lines.every((l) => !/ addr add /.test(l)),
    "the root namespace gets no address, so no route to the lab",
  );
});

test("hosts are set up before the guests whose cables they create", async () => {
  const r = await loadSpecFile("examples/seed003-lb-pair.yaml");
  const plan = labPlan(r.model!, "hl0abc");
  const [first, second] = setupOrder(plan);
  assert.ok(first!.every((n) => n.kind !== "guest"));
  assert.ok(second!.every((n) => n.kind === "guest"));
  const p1 = nodeBatch(
    plan,
    plan.nodes.find((n) => n.name === "p1")!,
  );
  assert.ok(p1.includes("link set dev eth0 master vmbr0"));
  assert.ok(p1.some((l) => /^link add tap\d+i0 type veth peer name lan netns hl0abc-k3s-lb01$/.test(l)));
  assert.ok(p1.includes("addr add 192.168.1.101/24 dev vmbr0"));
  const lb = nodeBatch(
    plan,
    plan.nodes.find((n) => n.name === "k3s-lb01")!,
  );
  assert.deepEqual(lb, ["link set dev lo up", "link set dev lan up", "addr add 192.168.1.6/24 dev lan"]);
});

test("daemons start inside their namespace, with private mounts and another user when asked", () => {
  const plain = launchCommand({
    key: "a/etcd",
    node: "a",
    namespace: "hl0abc-a",
    kind: "etcd",
    label: "",
    standin: false,
    cmd: "etcd",
    args: ["--name", "a"],
    binds: [],
    log: "/x",
  });
  assert.deepEqual(plain, { cmd: "ip", args: ["netns", "exec", "hl0abc-a", "etcd", "--name", "a"] });
  const wrapped = launchCommand({
    key: "a/patroni",
    node: "a",
    namespace: "hl0abc-a",
    kind: "patroni",
    label: "",
    standin: false,
    cmd: "patroni",
    args: ["/run/p.yml"],
    binds: [{ source: "/tmp/lab/run", target: "/run" }],
    user: "postgres",
    log: "/x",
  });
  assert.deepEqual(wrapped.args.slice(0, 7), [
    "netns",
    "exec",
    "hl0abc-a",
    "unshare",
    "--mount",
    "--propagation",
    "private",
  ]);
  assert.ok(
    wrapped.args.join(" ").endsWith("/tmp/lab/run /run -- runuser -u postgres -- patroni /run/p.yml"),
  );
});
