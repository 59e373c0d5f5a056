/**
 * Runs a dependency graph of tasks: each starts as soon as every task it uses has settled, so
 * independent tasks run in parallel without being grouped by hand. A failed required task stops
 * further starts (the ones running are waited for); a failed optional one does not, and the tasks
 * that use it start all the same. Pure: knows nothing of agents or events.
 */

/** A task of the graph. */
export interface GraphNode {
  name: string;
  /** Tasks that must settle before this one starts; names outside the graph are ignored. */
  uses: readonly string[];
  required: boolean;
}

/** How a started task ended. */
export type Settled<N> = { node: N; ok: true } | { node: N; ok: false; error: unknown };

/**
 * Starts every task of `nodes` whose dependencies have settled, by `start`, until all have run
 * or a required one failed; resolves with every settlement, in the order they happened. While
 * `hold()` is true no task starts, and once the running ones settle it resolves with what ran (a
 * run pausing for a review). `nodes` must be acyclic (checked when a pipeline is registered).
 */
export function scheduleGraph<N extends GraphNode>(
  nodes: readonly N[],
  start: (node: N) => Promise<unknown>,
  hold: () => boolean = () => false,
): Promise<Settled<N>[]> {
  const names = new Set(nodes.map((n) => n.name));
  const settled = new Set<string>();
  const launched = new Set<string>();
  const results: Settled<N>[] = [];
  let running = 0;
  let stopped = false;
  return new Promise((resolve) => {
    const ready = (node: N) => node.uses.every((used) => settled.has(used) || !names.has(used));
    const pump = () => {
      if (!stopped) {
        for (const node of nodes) {
          if (hold()) break;
          if (launched.has(node.name) || !ready(node)) continue;
          launched.add(node.name);
          running++;
          // A task that throws synchronously fails like one that rejects.
          Promise.resolve()
            .then(() => start(node))
            .then(
              () => finish({ node, ok: true }),
              (error: unknown) => finish({ node, ok: false, error }),
            );
        }
      }
      if (running === 0) resolve(results);
    };
    const finish = (result: Settled<N>) => {
      running--;
      settled.add(result.node.name);
      results.push(result);
      if (!result.ok && result.node.required) stopped = true;
      pump();
    };
    pump();
  });
}
