/**
 * The scenario language of the fake OpenAI endpoint (./fake-openai.ts). The LAST user message of a
 * request may carry directives
 *
 *     [[fake scenario=<id> agent=<target> model=<name> times=<n|all> <effects...>]]
 *
 * Each directive is a rule. It matches a request when its `agent` target (if any) occurs in the
 * first sentence of the system prompt (`_` read as a space, case-insensitive: `insight_agent`
 * matches "You are the insight agent.") and its `model` (if any) equals the request's model.
 * Effects of a matching rule:
 *   - pacing, on every match: `tokens=<n>` content chunks (default 12), `delay=<ms>` between them,
 *     `chars=<n>` characters in each chunk after the first (default: short words; see fake-text.ts).
 *   - a fault, on the first `times` matches only (default 1; counted per scenario and rule):
 *     `status=<code>` (with `retry-after=<value>`): an HTTP error with an OpenAI error body;
 *     `drop=1`: the connection is closed before any response (a network failure);
 *     `cut=<n>`: n chunks, then the socket is destroyed; `malformed=<n>`: n chunks, then a frame
 *     that is not JSON; `stall=<n>`: n chunks, then silence until the client gives up;
 *     `filter=<n>`: n chunks, then `finish_reason: "content_filter"`.
 */

export interface Rule {
  index: number;
  params: Record<string, string>;
}

const DIRECTIVE = /\[\[fake((?:\s+[\w-]+=[^\s\]]+)*)\s*\]\]/g;

/** The effects that make a rule a fault (limited by `times`) rather than pacing. */
const FAULT_KEYS = ["status", "drop", "cut", "malformed", "stall", "filter"];

/** Parses every `[[fake ...]]` directive in a message. */
export function parseDirectives(text: string): Rule[] {
  return [...text.matchAll(DIRECTIVE)].map((match, index) => {
    const params: Record<string, string> = {};
    for (const pair of match[1].trim().split(/\s+/).filter(Boolean)) {
      const eq = pair.indexOf("=");
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { index, params };
  });
}

/** The agent a system prompt names in its first sentence: "You are the insight agent." -> "insight agent". */
export function agentLabel(system: string): string {
  return (system.split(/[.\n]/)[0] ?? "").replace(/^You are (the )?/i, "").toLowerCase();
}

/** Whether `rule` applies to a request of the agent labelled `label` on `model`. */
export function matches(rule: Rule, label: string, model: string): boolean {
  const target = rule.params.agent?.replace(/_/g, " ").toLowerCase();
  if (target && !label.includes(target)) return false;
  return !rule.params.model || rule.params.model === model;
}

/**
 * The first of `rules` with a fault whose budget of `times` is not used up, counting this use in
 * `counters` (per scenario and rule); undefined when no fault applies.
 */
export function takeFault(
  rules: Rule[],
  scenario: string,
  counters: Map<string, number>,
): Record<string, string> | undefined {
  return rules.find((rule) => {
    if (!FAULT_KEYS.some((k) => k in rule.params)) return false;
    const key = `${scenario}#${rule.index}`;
    const used = counters.get(key) ?? 0;
    const times = rule.params.times === "all" ? Number.POSITIVE_INFINITY : Number(rule.params.times ?? 1);
    if (used >= times) return false;
    counters.set(key, used + 1);
    return true;
  })?.params;
}
