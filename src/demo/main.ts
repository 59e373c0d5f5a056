/**
 * The demo page: pick any registered pipeline and its options (from `GET /pipelines`), send a
 * message, and watch the run stream in through the browser client, with a button that drops the connection to show the client resume with nothing
 * lost. Bundled by scripts/build-demo.mjs into public/app.js.
 */
import { createClient, type EdgeStreamClient, type RunStream } from "@edge-stream/client";
import { ROLES, type Role } from "../protocol/roles";
import { ConnectionView } from "./connection-view";
import { ConversationView } from "./conversation-view";
import { devTokenSource } from "./dev-token";
import { byId } from "./dom";
import { InteractionFeed } from "./interaction-feed";
import { isSample, PipelinePicker, sampleMessage } from "./pipeline-picker";
import { PresenceView } from "./presence-view";
import { ReviewView } from "./review-view";
import { RunPanel } from "./run-panel";
import { runSummary } from "./run-summary";
import { SharePanel } from "./share-panel";
import { TimelineView } from "./timeline-view";
import { watchSession, watchTarget } from "./watch-mode";

type TransportChoice = "fetch" | "eventsource" | "websocket";

const form = byId<HTMLFormElement>("chat-form");
const message = byId<HTMLTextAreaElement>("message");
const send = byId<HTMLButtonElement>("send");
const drop = byId<HTMLButtonElement>("drop");
const cancel = byId<HTMLButtonElement>("cancel");
const newChat = byId<HTMLButtonElement>("new-chat");
const transportSelect = byId<HTMLSelectElement>("transport");
const announce = byId("announce");
const picker = new PipelinePicker(byId("modes"), byId("options"));

const connection = new ConnectionView();
const panel = new RunPanel();
const timeline = new TimelineView();
const conversation = new ConversationView();
const review = new ReviewView((text, kind) => connection.log(text, kind));
const feed = new InteractionFeed();
const clients = new Map<TransportChoice, EdgeStreamClient>();
const tokens = devTokenSource();
const presence = new PresenceView();
const sharing = new SharePanel(tokens.token);
let current: RunStream | undefined;

function mode(): string {
  return picker.picked?.name ?? "";
}

/** A conversational pipeline (Loomi) keeps its session across turns; the others start a new one each run. */
function conversational(): boolean {
  return picker.picked?.conversational === true;
}

function clientFor(choice: TransportChoice): EdgeStreamClient {
  let client = clients.get(choice);
  if (!client) {
    client = createClient({ token: tokens.token, transport: choice });
    clients.set(choice, client);
  }
  return client;
}

function setRunning(running: boolean): void {
  send.disabled = running;
  cancel.disabled = !running;
  drop.disabled = !running;
  newChat.disabled = running;
  form.setAttribute("aria-busy", String(running));
}

function onModeChange(): void {
  const chat = conversational();
  conversation.show(chat);
  newChat.hidden = !chat;
  if (!message.value.trim() || isSample(message.value)) message.value = sampleMessage(mode());
  document.body.dataset.mode = mode();
}

function start(): void {
  const text = message.value.trim();
  if (!text || current) return;
  const client = clientFor(transportSelect.value as TransportChoice);
  const loomi = conversational();
  const options = picker.values();
  const run = client.run(mode(), text, { sessionId: loomi ? conversation.sessionId : undefined, options });
  current = run;
  let delivered = 0;
  run.on("event", () => {
    delivered++;
  });
  panel.attach(run);
  timeline.attach(run);
  connection.attach(run);
  // This page started the run: a new session is its own, and a Loomi turn continues its own session.
  review.attach(run, client, ROLES.OWNER);
  feed.attach(run);
  if (loomi) {
    conversation.addTurn(text, run);
    message.value = "";
  }
  setRunning(true);
  announce.textContent = "Run started.";
  run.started.then((ids) => {
    byId("session-id").textContent = ids.sessionId;
    sharing.show(ids.sessionId);
    presence.watch({ sessionId: ids.sessionId, bearer: tokens.token });
    connection.log(`Run ${ids.runId.slice(0, 8)} started in session ${ids.sessionId.slice(0, 8)}`);
  });
  run.done
    .then((result) => {
      const chars = Object.values(result.texts).reduce((n, t) => n + t.length, 0);
      const summary = runSummary(result.view, { delivered, chars });
      connection.log(summary.text, summary.kind);
      announce.textContent = summary.text;
    })
    .catch((error: Error) => {
      announce.textContent = `Run failed: ${error.message}`;
    })
    .finally(() => {
      current = undefined;
      setRunning(false);
      panel.render();
      if (loomi) message.focus();
    });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
message.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    start();
  }
});
drop.addEventListener("click", () => {
  if (!current) return;
  const at = current.lastEventId;
  if (current.dropConnection()) connection.log(`You dropped the connection after event ${at}`, "warn");
});
cancel.addEventListener("click", () => {
  const run = current;
  if (!run) return;
  // Logged when sent: the run's own end ("Run cancelled") can arrive before the answer to the request.
  connection.log("Cancel requested");
  run.cancel().then(
    (accepted) => {
      if (!accepted) connection.log("Nothing to cancel: the run had ended");
    },
    (error: Error) => connection.log(`Cancel failed: ${error.message}`, "error"),
  );
});
newChat.addEventListener("click", () => {
  conversation.reset();
  byId("session-id").textContent = "—";
  message.value = sampleMessage(mode());
  message.focus();
});

setRunning(false);
send.disabled = true; // until the token question is settled and the pipelines are known
const watched = watchTarget(location.search);
if (watched) {
  // Another user's session: follow it and show who watches; this page starts nothing (watch-mode.ts).
  // Its role decides whether the review card and the steering box work or say why they do not.
  const attach = (run: RunStream, client: EdgeStreamClient, role: Role) => {
    for (const view of [panel, timeline, connection, presence, feed]) view.attach(run);
    review.attach(run, client, role);
  };
  form.hidden = true;
  sharing.showWatcher();
  document.body.dataset.ready = "true";
  void watchSession(watched, { connection, presence, attach });
} else
  tokens
    .auth()
    .then(async (auth) => {
      byId("auth").textContent = auth.description;
      picker.render(await clientFor("fetch").pipelines(), onModeChange);
      onModeChange();
      send.disabled = current !== undefined;
    })
    .catch((error: Error) => {
      announce.textContent = `Could not load the pipelines: ${error.message}`;
    })
    .finally(() => {
      document.body.dataset.ready = "true";
    });
