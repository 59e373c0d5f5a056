/** The few service calls the bench makes besides reading streams. */

async function json(response) {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text}`);
  return JSON.parse(text);
}

/**
 * Starts a session fed by the synthetic source (see src/bench/synthetic-source.ts). Returns
 * `{ session_id, run_id, events_url, expect }`, `expect` being the ids every full reader gets:
 * run_start, the synthetic events, run_complete.
 */
export async function startSynthetic(base, spec) {
  const started = await json(
    await fetch(`${base}/_bench/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(spec),
    }),
  );
  const first = Number(new URL(started.events_url, base).searchParams.get("last_event_id")) + 1;
  return { ...started, expect: { first, last: first + spec.events + 1 } };
}

export async function snapshot(base, sessionId) {
  return json(await fetch(`${base}/sessions/${sessionId}`));
}

/** Polls a session until its run finished; bounded by `timeoutMs`. */
export async function waitIdle(base, sessionId, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snap = await snapshot(base, sessionId);
    if (snap.status === "idle") return snap;
    if (Date.now() > deadline) throw new Error(`session ${sessionId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The URL a reader follows to get a session's whole log (or a run, live, from its first event). */
export function eventsUrl(base, started) {
  return `${base}${started.events_url}`;
}
