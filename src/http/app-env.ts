/** The Hono environment of every route: the Worker bindings and what middleware sets. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The authenticated user; every session operation is scoped to it. */
    userId: string;
    /** AUTH_SECRET, known to be set once authentication passed (read tokens are signed with it). */
    authSecret: string;
    /** Authenticated by a read token: may read the session, never change it. */
    readOnly: boolean;
    /** Authenticated by a share token: the share link's id (`userId` is then `share:<id>`). */
    shareId?: string;
  };
}
