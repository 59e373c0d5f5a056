import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { ephemeralLow, freePort } from "../helpers/free-port";

function bindable(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

describe("freePort", () => {
  it("draws ports below the ephemeral range, where outgoing connections never take them, and they bind", async () => {
    const low = ephemeralLow();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      if (low > 11_000) expect(port).toBeLessThan(low);
      expect(port).toBeGreaterThan(0);
      expect(await bindable(port)).toBe(true);
    }
    // Drawn at random, not one port over and over.
    expect(new Set(ports).size).toBeGreaterThan(10);
  });
});
