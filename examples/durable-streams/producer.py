#!/usr/bin/env python3
"""A Durable Streams producer in plain Python (standard library only).

Creates a JSON stream on an edge-stream server and appends a run's worth of agent events to it
as an idempotent producer (Producer-Id / Producer-Epoch / Producer-Seq), so a retried request
is never stored twice; then closes the stream. Any Durable Streams client can follow it live.

    python3 producer.py --base-url http://127.0.0.1:8787 --stream my-run --token "$TOKEN"

The token is a user token (`npm run token -- <user>`); DS_TOKEN is read when --token is absent.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

RETRIES = 5


def request(method, url, token, body=None, headers=None):
    """One HTTP request; returns (status, headers). HTTP errors are answers, not exceptions."""
    data = None if body is None else body.encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")
        return error.code, {**dict(error.headers), "_body": detail}


class Producer:
    """Appends batches with producer headers; retries the same (epoch, seq) after a network error."""

    def __init__(self, url, token, producer_id, epoch=0):
        self.url, self.token, self.id = url, token, producer_id
        self.epoch, self.seq = epoch, 0

    def send(self, messages, close=False):
        headers = {
            "Content-Type": "application/json",
            "Producer-Id": self.id,
            "Producer-Epoch": str(self.epoch),
            "Producer-Seq": str(self.seq),
        }
        if close:
            headers["Stream-Closed"] = "true"
        body = json.dumps(messages) if messages else None
        for attempt in range(RETRIES):
            try:
                status, answer = request("POST", self.url, self.token, body, headers)
            except (urllib.error.URLError, OSError) as error:
                time.sleep(0.2 * (attempt + 1))
                print(f"retrying seq {self.seq} after {error}", file=sys.stderr)
                continue
            if status in (200, 204):  # 204 on a retry: the server already has this batch
                self.seq += 1
                return answer.get("Stream-Next-Offset")
            if status == 403:  # a newer epoch of this producer wrote: this one is fenced off
                raise SystemExit(f"fenced: server epoch is {answer.get('Producer-Epoch')}")
            raise SystemExit(f"append failed with {status}: {answer.get('_body', '')}")
        raise SystemExit(f"append of seq {self.seq} failed {RETRIES} times")


def run_events(run_id, chunks):
    """The events of one small run, shaped like the service's own (src/protocol/events.ts)."""
    def event(event_type, agent, payload):
        return {"run_id": run_id, "event_type": event_type, "agent_source": agent, "payload": payload}

    yield event("run_start", "python_supervisor", {"mode": "python", "agents": ["python_agent"]})
    yield event("agent_start", "python_agent", {"status": "started", "task_description": "Say hello"})
    for i in range(chunks):
        yield event("llm_chunk", "python_agent", {"delta": f"word{i} ", "index": i})
    yield event("agent_complete", "python_agent", {"status": "completed"})
    yield event("run_complete", "python_supervisor", {"status": "completed"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--stream", required=True, help="stream name under /v1/stream/")
    parser.add_argument("--token", default=os.environ.get("DS_TOKEN"))
    parser.add_argument("--chunks", type=int, default=200, help="llm_chunk events in the run")
    parser.add_argument("--batch", type=int, default=25, help="events per append")
    args = parser.parse_args()
    if not args.token:
        raise SystemExit("give --token or set DS_TOKEN")
    url = f"{args.base_url.rstrip('/')}/v1/stream/{args.stream}"
    status, answer = request("PUT", url, args.token, None, {"Content-Type": "application/json"})
    if status not in (200, 201):
        raise SystemExit(f"create failed with {status}: {answer.get('_body', '')}")
    producer = Producer(url, args.token, f"python-{uuid.uuid4()}")
    events = list(run_events(str(uuid.uuid4()), args.chunks))
    offset = None
    for start in range(0, len(events), args.batch):
        offset = producer.send(events[start : start + args.batch])
    offset = producer.send([], close=True) or offset
    print(json.dumps({"stream": url, "events": len(events), "next_offset": offset}))


if __name__ == "__main__":
    main()
