/**
 * Serves a `fetch`-style handler (e.g. FakeServer.fetch) over real HTTP on 127.0.0.1, for a client
 * that runs in another process. A response body that fails mid-way (a fault's cut) destroys the
 * socket, as a dropped network connection would; a client that goes away aborts the handler.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type FetchHandler = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpBridge {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length > 0 ? Buffer.concat(chunks).toString("utf8") : undefined;
}

export async function serveOverHttp(handler: FetchHandler): Promise<HttpBridge> {
  const server = createServer(async (request, reply) => {
    const gone = new AbortController();
    reply.on("close", () => gone.abort(new Error("the client went away")));
    // Settles once the last chunk written has reached the socket: a cut must not swallow what came before it.
    let flushed = Promise.resolve();
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const response = await handler(`http://${request.headers.host}${request.url}`, {
        method: request.method,
        headers,
        body: await readBody(request),
        signal: gone.signal,
      });
      reply.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        for await (const chunk of response.body) {
          flushed = new Promise((done) => reply.write(chunk, () => done()));
        }
      }
      reply.end();
    } catch {
      await flushed;
      reply.destroy();
    }
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
