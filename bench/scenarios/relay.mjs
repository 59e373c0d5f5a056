/**
 * Relays (docs/scale.md; RELAYS=on on its own instance): one synthetic session feeding 4 relay
 * objects of 500 SSE followers each, paced at 100 events/s, beside the same 2,000 followers on
 * the session object itself (the single-object fan-out), in the same run: p50/p99 delivery
 * latency, every follower every event checked id by id. Then a resume across a relay restart:
 * followers of 4 relays, one relay thrown away mid-run; its followers come back with
 * Last-Event-ID and must end with every id once.
 */
import { startSynthetic } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { percentile } from "../lib/stats.mjs";

export const RELAYS = 4;
export const FOLLOWERS_PER_RELAY = 500;
/** The paced run: 300 events at 100 events/s, about 3 s (as the fan-out scenario). */
export const PACED = { events: 300, rate: 100 };
/** The restart run: 600 events at 100 events/s; relay 0 is thrown away after RESTART_AT_MS. */
export const RESTART = { events: 600, rate: 100, followersPerRelay: 50, atMs: 2000 };
/** Most reconnects one follower may need before it counts as failed. */
const MAX_RECONNECTS = 5;
const READER_TIMEOUT_MS = 180_000;

function summarize(results) {
  const latencies = results.flatMap((r) => r.latencies ?? []);
  return {
    followers: results.length,
    complete: results.filter((r) => r.complete).length,
    errors: [...new Set(results.filter((r) => !r.complete).map((r) => r.error ?? "ids"))].slice(0, 3),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const relayUrl = (server, started, n, after) =>
  `${server.url}/sessions/${started.session_id}/relay/${n}/stream?last_event_id=${after}`;

/**
 * Opens `perRelay` followers on each relay after `after`; resolves `opened` once every one has
 * its headers or has failed before them (a connection reset under load must not leave the run
 * waiting for ever: that follower counts as incomplete), and to every follower's result once each
 * read `expect`'s ids (relay streams stay open across runs, so a follower stops at the run's last id).
 */
function openFollowers(server, started, perRelay, { expect, latency }) {
  const total = RELAYS * perRelay;
  let open = 0;
  let allOpen;
  const opened = new Promise((resolve) => {
    allOpen = resolve;
  });
  const options = {
    expect,
    latency,
    maxEvents: expect.last - expect.first + 1,
    timeoutMs: READER_TIMEOUT_MS,
  };
  const results = Array.from({ length: total }, (_, i) => {
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      if (++open === total) allOpen();
    };
    const read = readSse(relayUrl(server, started, i % RELAYS, expect.first - 1), { ...options, onOpen: count });
    return read.finally(count);
  });
  return { opened, results: Promise.all(results) };
}

/** The paced run through the relays; the run starts once every follower is open (one session reader is its trigger). */
async function throughRelays(server, perRelay) {
  const started = await startSynthetic(server.url, { ...PACED, wait_for_readers: 1 });
  const followers = openFollowers(server, started, perRelay, { expect: started.expect, latency: true });
  await followers.opened;
  const trigger = readSse(`${server.url}${started.events_url}`, {
    expect: started.expect,
    timeoutMs: READER_TIMEOUT_MS,
  });
  const results = await followers.results;
  await trigger;
  return summarize(results);
}

/** The same followers on the session object itself. */
async function onTheSession(server, count) {
  const started = await startSynthetic(server.url, { ...PACED, wait_for_readers: count });
  const options = { expect: started.expect, latency: true, timeoutMs: READER_TIMEOUT_MS };
  const url = `${server.url}${started.events_url}`;
  return summarize(await Promise.all(Array.from({ length: count }, () => readSse(url, options))));
}

/**
 * One follower of relay `n` to the run's last id, reconnecting after its last id whenever its
 * stream breaks; every id must come exactly once across its connections.
 */
async function resumingFollower(server, started, n) {
  const { first, last } = started.expect;
  const segments = [];
  let after = first - 1;
  while (after < last && segments.length <= MAX_RECONNECTS) {
    const segment = await readSse(relayUrl(server, started, n, after), {
      maxEvents: last - after,
      timeoutMs: READER_TIMEOUT_MS,
    });
    segments.push(segment);
    // A segment must go on from exactly the id after the resume point, in order.
    if (segment.events > 0 && (segment.firstId !== after + 1 || !segment.inOrder)) break;
    if (segment.events > 0) after = segment.lastId;
    else if (segment.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const events = segments.reduce((sum, s) => sum + s.events, 0);
  return { complete: after === last && events === last - first + 1, reconnects: segments.length - 1, events };
}

/** Followers of every relay; relay 0 is thrown away mid-run. */
async function acrossRestart(server) {
  const { events, rate, followersPerRelay, atMs } = RESTART;
  const started = await startSynthetic(server.url, { events, rate, wait_for_readers: 1 });
  const followers = Array.from({ length: RELAYS * followersPerRelay }, (_, i) =>
    resumingFollower(server, started, i % RELAYS),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const trigger = readSse(`${server.url}${started.events_url}`, {
    expect: started.expect,
    timeoutMs: READER_TIMEOUT_MS,
  });
  await new Promise((resolve) => setTimeout(resolve, atMs));
  const aborted = await fetch(`${server.url}/_bench/relays/${started.session_id}/0/abort`, { method: "POST" });
  if (aborted.status !== 204) throw new Error(`relay abort answered ${aborted.status}`);
  const results = await Promise.all(followers);
  await trigger;
  const onRestarted = results.filter((_, i) => i % RELAYS === 0);
  return {
    followers: results.length,
    complete: results.filter((r) => r.complete).length,
    restartedFollowers: onRestarted.length,
    reconnected: onRestarted.filter((r) => r.reconnects > 0).length,
    delivered: results.reduce((sum, r) => sum + r.events, 0),
    expected: results.length * (started.expect.last - started.expect.first + 1),
  };
}

/** Rows comparing `perRelay` followers on each relay with the same followers on one object. */
async function compare(server, perRelay, log) {
  const total = RELAYS * perRelay;
  // The single object first: its 2,000 readers were all reset when they came after the relays'
  // run in two of three runs on the loaded machine (docs/scale.md, Figures).
  const single = await onTheSession(server, total);
  const relays = await throughRelays(server, perRelay);
  log(
    `relay ${RELAYS}x${perRelay}: p99 ${relays.p99?.toFixed(1)} ms through relays (${relays.complete}/${total} complete), ` +
      `${single.p99?.toFixed(1)} ms on one object (${single.complete}/${total})`,
  );
  const scenario = `relay ${RELAYS}x${perRelay}`;
  const ratio = relays.p99 && single.p99 ? (relays.p99 / single.p99).toFixed(2) : "—";
  const rows = [
    { scenario, metric: `p50 latency @${PACED.rate}/s, through relays`, unit: "ms", ours: relays.p50 },
    {
      scenario,
      metric: `p99 latency @${PACED.rate}/s, through relays`,
      unit: "ms",
      ours: relays.p99,
      target: "every follower every event",
      pass: relays.complete === total,
      note: `${relays.complete}/${total} followers with every event; ${ratio}x the p99 of the same followers on one object`,
    },
    { scenario, metric: `p50 latency @${PACED.rate}/s, one object`, unit: "ms", ours: single.p50 },
    {
      scenario,
      metric: `p99 latency @${PACED.rate}/s, one object`,
      unit: "ms",
      ours: single.p99,
      note: `the same ${total} followers on the session object itself: ${single.complete}/${total} with every event`,
    },
  ];
  return { raw: { relays, single }, rows };
}

/** Followers per relay of the comparisons: the 4 x 500, and 4 x 125 where the machine is not saturated. */
export const COMPARED = [FOLLOWERS_PER_RELAY, 125];

export async function run({ start, log }) {
  const server = await start("real", { RELAYS: "on" });
  try {
    const raw = {};
    const rows = [];
    for (const perRelay of COMPARED) {
      const compared = await compare(server, perRelay, log);
      raw[`${RELAYS}x${perRelay}`] = compared.raw;
      rows.push(...compared.rows);
    }
    const restart = await acrossRestart(server);
    log(
      `relay restart: ${restart.complete}/${restart.followers} complete, ${restart.reconnected}/${restart.restartedFollowers} reconnected`,
    );
    raw.restart = restart;
    rows.push({
      scenario: `relay restart ${RELAYS}x${RESTART.followersPerRelay}`,
      metric: "followers whole across a relay restart",
      unit: "followers",
      better: "higher",
      ours: restart.complete,
      target: `${restart.followers}/${restart.followers}, none lost or repeated`,
      pass: restart.complete === restart.followers && restart.reconnected === restart.restartedFollowers,
      note: `${restart.reconnected}/${restart.restartedFollowers} followers of the restarted relay reconnected; ${restart.delivered}/${restart.expected} events delivered`,
    });
    return { raw, rows };
  } finally {
    await server.stop();
  }
}
