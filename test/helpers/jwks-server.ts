/**
 * A stand-in identity provider for tests: its own key pairs, a JWKS endpoint on 127.0.0.1 that
 * counts its requests, and a signer for tokens under any of its keys. Keys can be rotated.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface TestKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(kid: string, alg: TestKey["alg"]): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export interface JwksServer {
  url: string;
  /** Requests served so far. */
  hits(): number;
  /** Replaces the published keys. */
  publish(keys: TestKey[]): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: TestKey[]): Promise<JwksServer> {
  let published = keys;
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    publish: (next) => {
      published = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Signs a token with `key`; `claims` override the defaults (sub, iss, aud, a 10-minute exp). */
export async function signWith(key: TestKey, claims: Record<string, unknown> = {}, kid = key.kid): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const body = { sub: "idp-user", iss: "https://id.example", aud: "edge-stream", iat: now, exp: now + 600, ...claims };
  return new SignJWT(body).setProtectedHeader({ alg: key.alg, kid, typ: "JWT" }).sign(key.privateKey);
}
