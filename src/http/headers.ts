/** Names of the response headers this API adds, shared by the routes and CORS. */

/** The session a response is about. */
export const SESSION_ID_HEADER = "X-Session-Id";
/** The run a response is about. */
export const RUN_ID_HEADER = "X-Run-Id";
/** The read token for the session (on run starts): lets an EventSource, which sends no headers, read it. */
export const READ_TOKEN_HEADER = "X-Read-Token";
