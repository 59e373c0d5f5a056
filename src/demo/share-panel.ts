/**
 * The owner's sharing controls on the demo page, once a session exists: add a member (a dev user
 * id and a role) or make a share link, each with the URL that opens the session in another
 * browser (`?session=<id>&user=<member>` or `?session=<id>&share=<token>`, read by watch-mode.ts).
 */
import { byId, el } from "./dom";

export class SharePanel {
  #root = byId("sharing");
  #form = byId<HTMLFormElement>("member-form");
  #user = byId<HTMLInputElement>("member-user");
  #role = byId<HTMLSelectElement>("member-role");
  #share = byId<HTMLButtonElement>("create-share");
  #links = byId<HTMLUListElement>("share-links");
  #sessionId: string | undefined;

  constructor(private readonly bearer: () => Promise<string | undefined>) {
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#addMember();
    });
    this.#share.addEventListener("click", () => void this.#createShare());
  }

  /** Shows the controls for the session the owner's run started. */
  show(sessionId: string): void {
    if (this.#sessionId !== sessionId) this.#links.replaceChildren();
    this.#sessionId = sessionId;
    this.#root.hidden = false;
  }

  /** Shows only who is watching: the page is not the owner's (watch-mode.ts). */
  showWatcher(): void {
    this.#form.hidden = true;
    this.#share.hidden = true;
    this.#root.hidden = false;
  }

  async #post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const token = await this.bearer();
    const response = await fetch(`/sessions/${this.#sessionId}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown> & { error?: { message: string } };
    if (!response.ok) throw new Error(answer.error?.message ?? `HTTP ${response.status}`);
    return answer;
  }

  #link(label: string, query: Record<string, string>, kind: string): void {
    const url = new URL("/", location.href);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const a = el("a", { href: url.toString(), target: "_blank", "data-link": kind }, url.toString());
    this.#links.prepend(el("li", {}, `${label}: `, a));
  }

  #note(text: string): void {
    this.#links.prepend(el("li", { class: "log-error" }, text));
  }

  async #addMember(): Promise<void> {
    const user = this.#user.value.trim();
    if (!user || !this.#sessionId) return;
    try {
      await this.#post("/members", { user_id: user, role: this.#role.value });
      this.#link(`${user} (${this.#role.value})`, { session: this.#sessionId, user }, "member");
      this.#user.value = "";
    } catch (error) {
      this.#note(`Could not add ${user}: ${(error as Error).message}`);
    }
  }

  async #createShare(): Promise<void> {
    if (!this.#sessionId) return;
    try {
      const { token } = await this.#post("/shares", { role: "viewer", ttl_seconds: 3600 });
      this.#link("Share link (viewer, 1 h)", { session: this.#sessionId, share: String(token) }, "share");
    } catch (error) {
      this.#note(`Could not make a share link: ${(error as Error).message}`);
    }
  }
}
