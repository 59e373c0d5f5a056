/** Types of ./chat-client.mjs (plain JavaScript so the .mjs bench can import it too). */
export interface FollowResult {
  opened: boolean;
  /** Next chunk index expected: every chunk before it arrived, in order. */
  next: number;
  deltas: number;
  duplicates: number;
  lost: number;
  wrong: number;
  replayed: number;
  /** Replayed chunks the client already had (the SDK's client drops them by `seq`). */
  replayedAgain: number;
  resumed: boolean;
  none: boolean;
  done: boolean;
  error: string | undefined;
  bytes: number;
  startedAt: number;
  firstChunkAt: number | undefined;
  lastChunkAt: number | undefined;
  endedAt: number | undefined;
}
export interface ChatRequest {
  type: "cf_agent_use_chat_request";
  id: string;
  init: { method: string; body: string };
}
export declare function chatUrl(base: string, name: string): string;
export declare function chatRequest(
  id: string,
  answer: { chunks: number; paceMs?: number; holdMs?: number },
): ChatRequest;
export declare function followChat(
  url: string,
  options?: {
    request?: ChatRequest;
    timeoutMs?: number;
    from?: number;
    stopAtDone?: boolean;
    until?: (result: FollowResult) => boolean;
    onOpen?: (ws: { close(): void; send(data: string): void }) => void;
  },
): Promise<FollowResult>;
export declare function idleFollower(url: string, timeoutMs?: number): { arrived: Promise<boolean>; close(): void };
export declare function lastMessageText(base: string, name: string): Promise<string>;
