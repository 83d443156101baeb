"""The LLM side: the real `openai` client against a local scripted server, prompts, replies."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from agent.config import resolve
from agent.llm import (
    BudgetExhausted,
    Candidate,
    HotLine,
    Limits,
    LLMClient,
    LLMError,
    OptimizeTask,
    ReplyError,
    Usage,
    ask_for_candidate,
    ask_for_candidates,
    client_for,
    estimate_tokens,
    parse_reply,
    render_format_error,
    render_optimize,
    render_refine,
    tier,
)
from tests.fake_llm import Delay, FakeLLM, Reply, Status

KEY = "sk-test-0123456789abcdef"
MESSAGES = [{"role": "user", "content": "Make `f` faster."}]
GOOD = "why: a comprehension\n```python\ndef f(xs):\n    return [x * 2 for x in xs]\n```\n"
SOURCE = "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out\n"
# 97 tokens in cl100k_base (counted with the bpe-openai package's copy of the encoding)
CODE = '''def pairwise_distances(points: list[tuple[float, float]]) -> list[list[float]]:
    """Euclidean distances between every pair of points, as a square matrix."""
    result = []
    for x1, y1 in points:
        row = []
        for x2, y2 in points:
            row.append(math.sqrt((x1 - x2) ** 2 + (y1 - y2) ** 2))
        result.append(row)
    return result
'''


@pytest.fixture
def server() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


def client_of(server: FakeLLM, sleeps: list[float] | None = None, **options: Any) -> LLMClient:
    record = sleeps.append if sleeps is not None else (lambda seconds: None)
    options = {"timeout": 5.0, "max_retries": 2, "backoff": 0.001, **options}
    return LLMClient(base_url=server.url, api_key=KEY, sleep=record, **options)


def complete(server: FakeLLM, *script: Any, **options: Any) -> tuple[LLMClient, Any]:
    server.add(*script)
    client = client_of(server, **options)
    return client, client.complete(MESSAGES, model="m")


# The client


def test_success_counts_the_servers_usage(server: FakeLLM) -> None:
    client, done = complete(server, Reply("hi", prompt_tokens=11, completion_tokens=7))
    assert (done.texts, done.prompt_tokens, done.completion_tokens, done.estimated) == (
        ("hi",),
        11,
        7,
        False,
    )
    assert (client.usage.calls, client.usage.tokens) == (1, 18)


def test_the_request_carries_the_messages_model_and_options(server: FakeLLM) -> None:
    server.add(Reply("hi"))
    client_of(server).complete(MESSAGES, model="m", temperature=0.2, max_tokens=99)
    body = server.requests[0]
    assert (body["messages"], body["model"], body["temperature"], body["max_tokens"]) == (
        MESSAGES,
        "m",
        0.2,
        99,
    )


def test_missing_usage_is_estimated_and_marked(server: FakeLLM) -> None:
    client, done = complete(server, Reply(CODE, usage=False))
    assert done.estimated and done.completion_tokens == estimate_tokens(CODE)
    assert client.usage.estimated and client.usage.prompt_tokens > 0


def test_n_choices_come_from_one_request(server: FakeLLM) -> None:
    server.add(Reply("a"), Reply("b"))
    done = client_of(server).complete(MESSAGES, model="m", n=2)
    assert (done.texts, server.requests[0]["n"], len(server.requests)) == (("a", "b"), 2, 1)


def test_a_server_that_ignores_n_is_asked_again() -> None:
    with FakeLLM(Reply("a"), Reply("b"), max_n=1) as fake:
        assert client_of(fake).complete(MESSAGES, model="m", n=2).texts == ("a", "b")


def test_429_waits_as_retry_after_says_and_is_counted(server: FakeLLM) -> None:
    sleeps: list[float] = []
    client, done = complete(server, Status(429, retry_after=0.25), Reply("hi"), sleeps=sleeps)
    assert (done.texts, sleeps) == (("hi",), [0.25])
    assert (client.usage.calls, client.usage.retries) == (2, 1)


def test_server_errors_are_retried_with_backoff(server: FakeLLM) -> None:
    sleeps: list[float] = []
    _, done = complete(server, Status(500), Status(503), Reply("hi"), sleeps=sleeps)
    assert done.texts == ("hi",) and len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_a_long_retry_after_is_not_waited_for(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match="asked to wait 120 s"):
        complete(server, Status(429, retry_after=120))


def test_retries_end_with_a_sentence(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match="still answered HTTP 502 after 3 attempts"):
        complete(server, Status(502), Status(502), Status(502))


def test_timeouts_are_retried_then_raise(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match=r"no answer within 0\.2 s in 2 attempts; .*llm_timeout"):
        complete(server, Delay(1.0), Delay(1.0), timeout=0.2, max_retries=1)
    assert len(server.requests) == 2


def test_a_timeout_then_success_is_a_success(server: FakeLLM) -> None:
    client, done = complete(server, Delay(1.0), Reply("hi"), timeout=0.2)
    assert done.texts == ("hi",) and client.usage.retries == 1


def test_an_endpoint_that_is_not_listening_is_retried_then_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = LLMClient(base_url=f"http://127.0.0.1:{port}/v1", max_retries=1, backoff=0.001)
    with pytest.raises(LLMError, match=f"could not connect to the endpoint at .*:{port}/v1"):
        client.complete(MESSAGES, model="m")
    assert client.usage.calls == 2


def test_401_is_not_retried_and_keeps_the_key_out(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match=r"refused the API key \(401\); check OPENAI_API_KEY") as err:
        complete(server, Status(401, message=f"Incorrect API key provided: {KEY}"))
    assert KEY not in str(err.value) and err.value.__context__ is None
    assert len(server.requests) == 1


def test_404_names_the_model_and_the_setting(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match=r"404 for model 'm' .*check the model name \(mid_model"):
        complete(server, Status(404, message="model not found"))


def test_400_quotes_the_server_with_the_key_scrubbed(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match=r"rejected the request \(400: context too long \*\*\*\)"):
        complete(server, Status(400, message=f"context too long {KEY}"))


def test_an_empty_quota_is_not_retried(server: FakeLLM) -> None:
    with pytest.raises(LLMError, match="no quota left"):
        complete(server, Status(429, error_code="insufficient_quota"))
    assert len(server.requests) == 1


def test_the_key_is_sent_to_the_server(server: FakeLLM) -> None:
    complete(server, Reply("hi"))
    assert server.headers[0]["authorization"] == f"Bearer {KEY}"


def test_the_key_never_reaches_logs_or_reprs(
    server: FakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("openai", "httpx", "httpx2", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    client, _ = complete(server, Status(429, retry_after=0), Reply("hi"))
    with pytest.raises(LLMError) as err:
        complete(server, Status(401, message=f"bad key {KEY}"))
    assert "retrying" in caplog.text and KEY not in caplog.text
    assert KEY not in repr(client) and KEY not in repr(err.value)


# The budget


def test_the_call_limit_stops_the_next_call(server: FakeLLM) -> None:
    server.add(Reply("a"), Reply("b"))
    client = client_of(server, limits=Limits(max_calls=1))
    client.complete(MESSAGES, model="m")
    with pytest.raises(BudgetExhausted, match=r"1 calls is spent .*raise llm_max_calls"):
        client.complete(MESSAGES, model="m")
    assert len(server.requests) == 1


def test_the_token_limit_stops_a_request_before_it_is_sent(server: FakeLLM) -> None:
    client = client_of(server, limits=Limits(max_tokens=20))
    with pytest.raises(BudgetExhausted, match="would pass the budget of 20 tokens"):
        client.complete([{"role": "user", "content": CODE}], model="m")
    assert server.requests == []


def test_the_time_limit_counts_waiting(server: FakeLLM) -> None:
    server.add(Status(429, retry_after=0.6), Reply("hi"))
    client = client_of(server, limits=Limits(max_seconds=0.5))
    with pytest.raises(BudgetExhausted, match="raise llm_max_seconds"):
        client.complete(MESSAGES, model="m")


def test_usages_add_up() -> None:
    total = Usage(1, 0, 10, 5, 1.0) + Usage(2, 1, 3, 4, 0.5, estimated=True)
    assert total == Usage(3, 1, 13, 9, 1.5, estimated=True)


# Tokens


def test_the_estimate_is_within_a_fifth_of_cl100k_on_code() -> None:
    assert 0.8 * 97 <= estimate_tokens(CODE) <= 1.2 * 97


def test_a_long_identifier_costs_more_than_one_token() -> None:
    assert estimate_tokens("a_really_quite_long_identifier_name") > estimate_tokens("name") == 1


def test_nothing_costs_nothing() -> None:
    assert estimate_tokens("") == 0


# Prompts


def task(**fields: Any) -> OptimizeTask:
    return OptimizeTask(
        **{"qualname": "pkg.mod.f", "path": "pkg/mod.py", "source": SOURCE, **fields}
    )


def test_the_optimize_prompt_holds_the_source_and_the_format() -> None:
    system, user = render_optimize(task())
    assert SOURCE.rstrip() in user["content"] and "exactly one ```python block" in system["content"]


def test_the_optimize_prompt_holds_the_evidence() -> None:
    evidence = "test_f failed: assert f([1]) == [2]"
    assert evidence in render_optimize(task(evidence=(evidence,)))[1]["content"]


def test_hot_lines_quote_the_source() -> None:
    user = render_optimize(task(first_line=10, hot_lines=(HotLine(13, 0.62),)))[1]["content"]
    assert "line 13 (62%): `out.append(x * 2)`" in user


def test_arguments_and_callees_are_listed() -> None:
    user = render_optimize(task(arguments=("xs: list[int], len 10000",), callees=("def g()",)))
    assert "- xs: list[int], len 10000" in user[1]["content"] and "- def g()" in user[1]["content"]


def test_empty_sections_are_left_out() -> None:
    assert "rejected" not in render_optimize(task())[1]["content"]


def test_a_source_holding_a_fence_gets_a_longer_one() -> None:
    user = render_optimize(task(source='def f():\n    """```x```"""\n'))[1]["content"]
    assert "````python\n" in user


def test_refine_continues_the_conversation_with_the_evidence() -> None:
    messages = render_refine(MESSAGES, GOOD, ["f([]) returned None, expected []"], "pkg.f")
    assert messages[-2] == {"role": "assistant", "content": GOOD}
    assert "- f([]) returned None, expected []" in messages[-1]["content"]


def test_the_refinement_request_carries_the_evidence(server: FakeLLM) -> None:
    server.add(Reply(GOOD))
    messages = render_refine(render_optimize(task()), GOOD, ["test_f failed"], "f")
    assert ask_for_candidate(client_of(server), messages, "f", model="m") == Candidate(
        "def f(xs):\n    return [x * 2 for x in xs]\n", "a comprehension"
    )
    assert "- test_f failed" in server.requests[0]["messages"][-1]["content"]


# Replies


def test_a_good_reply_gives_its_code_and_why() -> None:
    assert parse_reply(GOOD, "f") == Candidate(
        "def f(xs):\n    return [x * 2 for x in xs]\n", "a comprehension"
    )


def test_why_is_optional() -> None:
    assert parse_reply("```python\ndef f():\n    pass\n```", "f") == Candidate(
        "def f():\n    pass\n"
    )


def test_a_method_may_keep_its_indentation() -> None:
    reply = "```python\n    def f(self):\n        return 1\n```"
    assert isinstance(parse_reply(reply, "pkg.C.f"), Candidate)


def test_imports_and_helpers_may_come_with_the_def() -> None:
    reply = (
        "```py\nimport math\nLIMIT = 3\ndef _g(x):\n    return x\ndef f(x):\n    return _g(x)\n```"
    )
    assert isinstance(parse_reply(reply, "f"), Candidate)


def test_a_block_sent_again_and_again_is_one_answer() -> None:
    block = "```python\ndef f(xs):\n    return list(xs)\n```\n"
    looped = f"why: a list\n{block}\nWhy: a list\n{block}\nWhy: a list\n{block}```python\ndef f(xs"
    assert parse_reply(looped, "f") == Candidate("def f(xs):\n    return list(xs)\n", "a list")


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ("no code at all", "Your reply had no ```python block"),
        ("```python\ndef f(): pass\n```\n```python\ndef f(): return 1\n```", "had 2 python blocks"),
        ("```\ndef f(): pass\n```", "had no language tag; open it with ```python"),
        ("```js\nf()\n```", "was tagged `js`, not python"),
        ("```python\ndef f(x):\n    return x +\n```", "does not parse (invalid syntax, line 2"),
        ("```python\ndef f(x):\n    return x\n", "was never closed"),
        ("```python\ndef g(): pass\n```", "defines `g` but has no top-level def of `f`"),
        ("```python\nclass C:\n    def f(self): pass\n```", "wraps `f` in class `C`"),
        ("```python\ndef f(): pass\ndef f(): pass\n```", "defines `f` 2 times"),
        ("```python\ndef f(): pass\nprint(f())\n```", "also has `print(f())` at its top level"),
    ],
)
def test_a_bad_reply_says_what_to_send_instead(reply: str, says: str) -> None:
    error = parse_reply(reply, "f")
    assert isinstance(error, ReplyError) and says in error.message


def test_the_format_error_feeds_the_parsers_message_back() -> None:
    message = render_format_error(ReplyError("Your reply had 2 python blocks."))
    assert message["role"] == "user" and "Your reply had 2 python blocks." in message["content"]


# Asking


def test_an_unreadable_reply_is_fed_back_once(server: FakeLLM) -> None:
    server.add(Reply("Here you go: def f(xs): ..."), Reply(GOOD))
    assert isinstance(ask_for_candidate(client_of(server), MESSAGES, "f", model="m"), Candidate)
    second = server.requests[1]["messages"]
    assert second[-2]["content"] == "Here you go: def f(xs): ..."
    assert "Your reply had no ```python block" in second[-1]["content"]


def test_a_second_unreadable_reply_is_a_reply_error(server: FakeLLM) -> None:
    server.add(Reply("nothing"), Reply("```python\nclass C:\n    def f(self): pass\n```"))
    outcome = ask_for_candidate(client_of(server), MESSAGES, "f", model="m")
    assert isinstance(outcome, ReplyError) and "wraps `f` in class `C`" in outcome.message
    assert len(server.requests) == 2


def test_each_of_n_candidates_gets_its_own_retry(server: FakeLLM) -> None:
    server.add(Reply("nothing"), Reply(GOOD), Reply(GOOD))
    outcomes = ask_for_candidates(client_of(server), MESSAGES, "f", model="m", n=2)
    assert [type(o) for o in outcomes] == [Candidate, Candidate] and len(server.requests) == 2


# Tiers


def test_without_a_key_the_tier_is_low_and_asks_no_llm() -> None:
    settings = resolve(None, {}, {})
    assert (tier(settings).name, tier(settings).uses_llm, client_for(settings)) == (
        "low",
        False,
        None,
    )


def test_with_a_key_the_tier_is_mid_with_its_model() -> None:
    found = tier(resolve(None, {"OPENAI_API_KEY": KEY}, {}))
    assert (found.name, found.model, found.candidates, found.rounds) == ("mid", "gpt-4o-mini", 2, 2)


def test_the_high_tier_takes_its_own_settings() -> None:
    flags = {"budget": "high", "high_model": "big", "high_candidates": 5}
    found = tier(resolve(None, {"OPENAI_API_KEY": KEY}, flags))
    assert (found.model, found.candidates, found.rounds, found.context) == ("big", 5, 3, "large")


def test_the_client_for_the_settings_carries_the_limits_and_hides_the_key() -> None:
    environ = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    client = client_for(resolve(None, environ, {"llm_max_calls": 7}))
    assert client is not None and client.limits.max_calls == 7 and KEY not in repr(client)
