/**
 * What the session object does for the bench: start a run in a new session whose events come
 * from the synthetic source. Only the bench's own Worker (src/bench/worker.ts) has it.
 */

import type { Failure } from "../protocol/errors";
import { MODES } from "../protocol/events";
import type { Session, Started } from "../session/session";
import { type SyntheticSpec, syntheticPipeline } from "./synthetic-source";

/** A synthetic run request as it crosses RPC from the bench route to the session object. */
export interface SyntheticRunInput extends SyntheticSpec {
  sessionId: string;
  userId: string;
}

export function startSyntheticRun(session: Session, input: SyntheticRunInput): Started | Failure {
  const { sessionId, userId, ...spec } = input;
  return session.startRun(
    {
      sessionId,
      userId,
      mode: MODES.NOVA3,
      message: "synthetic benchmark run",
      options: { bench: spec },
      create: true,
    },
    syntheticPipeline(spec, () => session.readers),
  );
}
