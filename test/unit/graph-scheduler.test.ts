/**
 * The dependency-graph scheduler: a task starts as soon as everything it uses has settled (never
 * before), independent tasks run side by side, an optional task's failure does not stop the
 * others, a required task's failure stops further starts but the running ones are waited for.
 */
import { describe, expect, it } from "vitest";
import { type GraphNode, scheduleGraph } from "../../src/agents/graph-scheduler";

/** A task list whose tasks finish when the test says so, logging every start and end. */
function harness(nodes: GraphNode[]) {
  const log: string[] = [];
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const start = (node: GraphNode) =>
    new Promise<void>((resolve, reject) => {
      log.push(`start ${node.name}`);
      pending.set(node.name, { resolve, reject });
    });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const finish = async (name: string, error?: Error) => {
    const task = pending.get(name);
    if (!task) throw new Error(`${name} is not running (log: ${log.join(", ")})`);
    pending.delete(name);
    log.push(`end ${name}`);
    if (error) task.reject(error);
    else task.resolve();
    await tick();
  };
  const done = scheduleGraph(nodes, start);
  return { log, finish, done, running: () => [...pending.keys()].sort(), tick };
}

const node = (name: string, uses: string[] = [], required = true): GraphNode => ({ name, uses, required });

// Nova3's shape: a -> b -> (c, d optional) -> e -> f
const NOVA3_SHAPE = [
  node("a"),
  node("b", ["a"]),
  node("c", ["a", "b"], false),
  node("d", ["a", "b"], false),
  node("e", ["a", "b", "c", "d"]),
  node("f", ["e"]),
];

describe("scheduleGraph", () => {
  it("starts independent tasks together and each task only after everything it uses has ended", async () => {
    const h = harness(NOVA3_SHAPE);
    await h.tick();
    expect(h.running()).toEqual(["a"]);
    await h.finish("a");
    expect(h.running()).toEqual(["b"]);
    await h.finish("b");
    expect(h.running()).toEqual(["c", "d"]);
    await h.finish("d");
    expect(h.running()).toEqual(["c"]);
    await h.finish("c");
    expect(h.running()).toEqual(["e"]);
    await h.finish("e");
    await h.finish("f");
    const results = await h.done;
    expect(results.map((r) => [r.node.name, r.ok])).toEqual([
      ["a", true],
      ["b", true],
      ["d", true],
      ["c", true],
      ["e", true],
      ["f", true],
    ]);
    for (const { name, uses } of NOVA3_SHAPE) {
      for (const used of uses) expect(h.log.indexOf(`end ${used}`)).toBeLessThan(h.log.indexOf(`start ${name}`));
    }
  });

  it("starts a task as soon as its own inputs are done, not when a whole level is", async () => {
    // x and slow start together; y uses only x, so it must not wait for slow.
    const h = harness([node("x"), node("slow"), node("y", ["x"]), node("z", ["y", "slow"])]);
    await h.tick();
    expect(h.running()).toEqual(["slow", "x"]);
    await h.finish("x");
    expect(h.running()).toEqual(["slow", "y"]);
    await h.finish("y");
    expect(h.running()).toEqual(["slow"]);
    await h.finish("slow");
    expect(h.running()).toEqual(["z"]);
    await h.finish("z");
    expect((await h.done).every((r) => r.ok)).toBe(true);
  });

  it("isolates an optional task's failure: its partner finishes and the tasks that use it still run", async () => {
    const h = harness(NOVA3_SHAPE);
    await h.tick();
    await h.finish("a");
    await h.finish("b");
    await h.finish("c", new Error("insight failed"));
    expect(h.running()).toEqual(["d"]);
    await h.finish("d");
    await h.finish("e");
    await h.finish("f");
    const results = await h.done;
    expect(results.filter((r) => !r.ok).map((r) => r.node.name)).toEqual(["c"]);
    expect(results).toHaveLength(6);
  });

  it("stops starting tasks after a required failure, but waits for the ones running", async () => {
    const h = harness([node("a"), node("b", [], false), node("c", ["a"]), node("d", ["b"])]);
    await h.tick();
    expect(h.running()).toEqual(["a", "b"]);
    await h.finish("a", new Error("required failed"));
    // c (which uses a) and d (whose input is still running) never start; b is awaited.
    expect(h.running()).toEqual(["b"]);
    let settled = false;
    void h.done.then(() => {
      settled = true;
    });
    await h.tick();
    expect(settled).toBe(false);
    await h.finish("b");
    const results = await h.done;
    expect(results.map((r) => [r.node.name, r.ok])).toEqual([
      ["a", false],
      ["b", true],
    ]);
    expect(h.log).not.toContain("start c");
    expect(h.log).not.toContain("start d");
  });

  it("treats a task that throws at once like one that rejects", async () => {
    const results = await scheduleGraph([node("a", [], false), node("b", ["a"])], (n) => {
      if (n.name === "a") throw new Error("sync");
      return Promise.resolve();
    });
    expect(results.map((r) => [r.node.name, r.ok])).toEqual([
      ["a", false],
      ["b", true],
    ]);
  });
});
