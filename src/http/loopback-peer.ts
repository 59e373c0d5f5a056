/**
 * Whether a request came from this machine, judged by the peer address the runtime reports in
 * `CF-Connecting-IP`, never by the Host the client names. On Cloudflare the edge sets the header
 * to the client's address and overwrites any the client sent, so it is never loopback there.
 * Under `wrangler dev`, Miniflare sets it from the socket peer, but only when the request has none:
 * a client that can reach the port can claim one (docs/security.md says what that means).
 */

/** Header in which the runtime reports the client's address. */
export const PEER_ADDRESS_HEADER = "CF-Connecting-IP";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 127.0.0.0/8 written as the runtime writes it: four decimal octets, no leading zeros. */
function isLoopbackIpv4(address: string): boolean {
  const octets = IPV4.exec(address)?.slice(1);
  if (!octets) return false;
  const canonical = octets.every((octet) => String(Number(octet)) === octet && Number(octet) <= 255);
  return canonical && octets[0] === "127";
}

/**
 * A loopback address in the canonical form a runtime reports a socket peer in: `127.x.y.z`, `::1`,
 * or `::ffff:127.x.y.z` (IPv4 on a dual-stack socket). Other spellings of loopback (`127.1`,
 * `0x7f.1`, `2130706433`, `[::1]`, `0:0::1`) are not what a runtime writes, so they are refused.
 */
export function isLoopbackAddress(address: string): boolean {
  if (address === "::1") return true;
  const mapped = /^::ffff:(.+)$/i.exec(address);
  return isLoopbackIpv4(mapped ? mapped[1] : address);
}

/** The request came from this machine, as far as the runtime's peer address says; absent = no. */
export function fromLoopbackPeer(headers: Headers): boolean {
  const address = headers.get(PEER_ADDRESS_HEADER);
  return address !== null && isLoopbackAddress(address);
}
