/** The Hono environment of every route: the Worker bindings and what middleware sets. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The authenticated user; every session operation is scoped to it. */
    userId: string;
  };
}
