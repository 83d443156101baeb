"""A local OpenAI-compatible server that replays a script, for driving the real `openai` client.

    with FakeLLM(Reply("```python\\n...\\n```"), Status(429, retry_after=0.01)) as server:
        client = LLMClient(base_url=server.url, api_key="sk-test")

POST /v1/chat/completions answers with the script's next item, in order:
- `Reply(text)`: one choice with that text, and a usage field unless `usage=False`; a request
  with `n` > 1 takes that many consecutive Replies as its choices (at most `max_n`: a server
  that ignores `n`, as some local ones do, is `max_n=1`);
- `Status(code)`: an OpenAI-shaped error body with that HTTP status (and Retry-After when given);
- `Delay(seconds, then)`: waits, then answers with `then` (a client with a shorter timeout has
  gone by then).
GET /v1/models lists one model (what a health check asks). Every request body is kept in
`requests`, its headers in `headers`. Loopback only, a free port unless `port` is given.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Reply:
    text: str
    usage: bool = True
    prompt_tokens: int = 11
    completion_tokens: int = 7


@dataclass(frozen=True)
class Status:
    code: int
    retry_after: float | None = None
    message: str = "scripted error"
    error_code: str | None = None


@dataclass(frozen=True)
class Delay:
    seconds: float
    then: Reply | Status = Reply("too late")


Scripted = Reply | Status | Delay
EXHAUSTED = Status(400, message="the fake LLM's script is exhausted")


class FakeLLM:
    """The server; a context manager that starts it on entry and stops it on exit."""

    def __init__(self, *script: Scripted, max_n: int = 128, port: int = 0) -> None:
        self.script: deque[Scripted] = deque(script)
        self.max_n = max_n
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def add(self, *script: Scripted) -> None:
        with self._lock:
            self.script.extend(script)

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def take(self, body: dict[str, Any], headers: dict[str, str]) -> Scripted | list[Reply]:
        """Record the request; the scripted answer (several Replies when it asks for n > 1)."""
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            first = self.script.popleft() if self.script else EXHAUSTED
            if not isinstance(first, Reply):
                return first
            replies = [first]
            wanted = min(int(body.get("n") or 1), self.max_n)
            while len(replies) < wanted and self.script:
                if not isinstance(self.script[0], Reply):
                    break
                replies.append(self.script.popleft())  # type: ignore[arg-type]
            return replies


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            answer = fake.take(body, {k.lower(): v for k, v in self.headers.items()})
            if isinstance(answer, Delay):
                time.sleep(answer.seconds)
                answer = answer.then
            if isinstance(answer, Reply):
                answer = [answer]
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(answer, body)  # unless the client timed out and hung up

        def _answer(self, answer: Status | list[Reply], body: dict[str, Any]) -> None:
            if isinstance(answer, Status):
                error = {"message": answer.message, "type": "fake", "code": answer.error_code}
                extra = {} if answer.retry_after is None else {"Retry-After": answer.retry_after}
                self._send(answer.code, {"error": error}, extra)
            else:
                self._send(200, _completion(answer, str(body.get("model"))))

        def _send(
            self, code: int, payload: object, headers: Mapping[str, object] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _completion(replies: list[Reply], model: str) -> dict[str, Any]:
    choices = [
        {"index": i, "message": {"role": "assistant", "content": r.text}, "finish_reason": "stop"}
        for i, r in enumerate(replies)
    ]
    payload: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": choices,
    }
    if all(r.usage for r in replies):
        prompt = replies[0].prompt_tokens
        completion = sum(r.completion_tokens for r in replies)
        payload["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    return payload
