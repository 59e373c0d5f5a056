/** Who a request acts for, as the session object's access checks (src/session/access.ts) see it. */
import type { Context } from "hono";
import type { Caller } from "../session/access";
import type { AppEnv } from "./app-env";

export function callerOf(c: Context<AppEnv>): Caller {
  const shareId = c.get("shareId");
  const caller: Caller = { userId: c.get("userId"), readOnly: c.get("readOnly") };
  return shareId === undefined ? caller : { ...caller, shareId };
}
