"""One chat completion against any OpenAI-compatible server, with the faults sorted and the format negotiated.

Servers differ in what ``response_format`` they take: OpenAI, vLLM, Ollama, LM Studio and llama.cpp's
``llama-server`` honour ``json_schema``; llama-cpp-python's server takes only ``text`` and ``json_object`` and
answers a schema with HTTP 500 ("Input should be 'text' or 'json_object'"); LM Studio refuses ``json_object``.
So the request climbs down a ladder — ``json_schema`` strict, the same without length keywords, ``json_object``
with the schema in the prompt, plain text with the schema in the prompt — when the server rejects a rung, and
the rung that worked is remembered per model, so the next draft asks right the first time.

Faults are sorted by what helps (:func:`classify`): a permanent error (a 4xx, or a 500 whose body names the
request) is never retried, never counts toward the circuit breaker as an outage, and is reported with the
server's own message, secrets redacted; transient ones (timeouts, 429, 502–504, a bare 500, a dropped
connection) are retried with backoff and jitter until the operation's deadline. Every request is also capped by
``asyncio.timeout``: a server that sends its headers and then trickles the body would otherwise hold the
client past the deadline, since httpx's read timeout restarts with every chunk.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam

import prompts
from bot.songwriting.writers.llm_output import floors_only, lean

log = logging.getLogger(__name__)

TIMED_OUT = "The LLM timed out"
RATE_LIMITED = "The LLM is rate-limited right now"
UNAVAILABLE = "The LLM endpoint is not responding"
PAUSED = "The LLM endpoint kept failing, so it is paused for a while"
REJECTED = "The LLM endpoint rejected the request"
REFUSED = "The model declined to write this"
UNUSABLE = "The model's reply was not usable"

Mode = Literal["json_schema", "json_schema_lean", "json_object", "text"]
LADDER: tuple[Mode, ...] = ("json_schema", "json_schema_lean", "json_object", "text")
Fault = Literal["transient", "rate_limited", "permanent", "format"]
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|'text'|schema|grammar|strict", re.IGNORECASE)
_LENGTH_WORDS = re.compile(r"minLength|maxLength|minItems|maxItems", re.IGNORECASE)
_REQUEST_WORDS = re.compile(
    r"input should be|validation|field required|extra (?:inputs|fields)|not permitted|unsupported|not supported|"
    r"invalid|unrecognized|unknown (?:field|parameter|argument)|literal_error|value_error|request body|"
    r"response_format|json_schema",
    re.IGNORECASE,
)
_PYDANTIC_MSG = re.compile(r"""'msg': (?:"([^"]*)"|'([^']*)')""")
_SECRET = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*]{8,}|\bBearer\s+\S+", re.IGNORECASE)
MESSAGE_MAX = 200


@dataclass(frozen=True, slots=True)
class LLMFailure:
    """Why the LLM could not help, in words a member can read."""

    reason: str


@dataclass(frozen=True, slots=True)
class Completion:
    """The text of a reply, and whether the server stopped it at ``max_tokens`` (``truncated``)."""

    text: str
    truncated: bool = False
    max_tokens: int = 0


def classify(status: int, message: str) -> Fault:
    """Sort an HTTP error: retry it, wait it out, report it, or try the next response format."""
    if status == 429:
        return "rate_limited"
    if status in (408, 502, 503, 504):
        return "transient"
    names_request = bool(_REQUEST_WORDS.search(message))
    if 400 <= status < 500 or status == 501 or (status == 500 and names_request):
        if status not in (401, 403, 404) and _FORMAT_WORDS.search(message):
            return "format"
        return "permanent"
    return "transient"


def next_rung(mode: Mode, message: str) -> Mode | None:
    """The mode to try after the server rejected ``mode``; a complaint about length keywords keeps the schema."""
    if mode == "json_schema":
        return "json_schema_lean" if _LENGTH_WORDS.search(message) else "json_object"
    index = LADDER.index(mode)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


def server_message(error: openai.APIStatusError, secrets: Sequence[str] = ()) -> str:
    """The server's own words about an error, from whichever body shape it uses, secrets redacted and shortened."""
    body: Any = error.body
    if body is None:
        try:
            body = json.loads(error.response.text)
        except (ValueError, UnicodeDecodeError):
            body = error.response.text
    text = _message_of(body) or error.message or f"HTTP {error.status_code}"
    # llama-cpp-python wraps a pydantic error's repr and a traceback: its "msg" parts are what it means.
    if found := [a or b for a, b in _PYDANTIC_MSG.findall(text)]:
        text = "; ".join(dict.fromkeys(found))
    return redact(" ".join(text.split()), secrets)[:MESSAGE_MAX]


def _message_of(body: Any) -> str:
    """OpenAI and llama.cpp nest ``{"error": {"message"}}``, LM Studio sends ``{"error": "…"}``, vLLM a top-level
    ``message``, FastAPI servers ``{"detail": [{"msg"}]}``."""
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "; ".join(part for item in body[:3] if (part := _message_of(item)))
    if not isinstance(body, dict):
        return ""
    for key in ("error", "message", "msg", "detail"):
        if key in body and (found := _message_of(body[key])):
            return found
    return ""


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Replace API keys (the configured one and anything shaped like one) with ``[secret]``."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "[secret]")
    return _SECRET.sub("[secret]", text)


def rejected_reason(status: int, message: str) -> str:
    """A member-readable reason for a permanent error, carrying the server's message."""
    what = {401: "the API key", 403: "the API key", 404: "the model name or base URL"}.get(status)
    lead = f"The LLM endpoint rejected {what}" if what else REJECTED
    return f"{lead} (HTTP {status}: {message})"


class CircuitBreaker:
    """Stop calling an endpoint after ``threshold`` consecutive outages; let one probe through after ``cooldown``."""

    def __init__(self, threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """Return "closed" (calls flow), "open" (calls refused) or "half-open" (one probe allowed)."""
        if self._opened_at is None:
            return "closed"
        if self._probing or self._clock() - self._opened_at >= self.cooldown:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        """Say whether a request may go out now; in half-open state only the first caller probes."""
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._probing:
            self._probing = True
            return True
        return False

    def succeeded(self) -> None:
        """The server answered (even with a permanent error): it is up."""
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def failed(self) -> None:
        """The server did not answer usefully (timeout, 5xx, 429, unreachable)."""
        self._failures += 1
        if self._probing or self._failures >= self.threshold:
            self._opened_at = self._clock()
        self._probing = False


@dataclass(frozen=True, slots=True)
class Retry:
    """How transient faults are retried."""

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    retry_after_cap: float = 10.0


class ChatClient:
    """Send chat completions to one server, negotiating the response format and sorting faults."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        timeout: float,
        retry: Retry,
        breaker: CircuitBreaker,
    ) -> None:
        self.timeout = timeout
        self.retry = retry
        self.breaker = breaker
        self.modes: dict[str, Mode] = {}
        """The response format each model was last served with: the ladder's memory."""
        self._secrets = (api_key,)
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)
        self._jitter = random.Random()

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.close()

    async def complete(
        self,
        messages: Sequence[ChatCompletionMessageParam],
        *,
        name: str,
        schema: dict[str, Any],
        model: str,
        seed: int | None,
        max_tokens: int,
        temperature: float,
        until: float,
    ) -> Completion | LLMFailure:
        """Send one completion, stepping down the format ladder and retrying transient faults until ``until``."""
        attempt = 0
        mode = self.modes.get(model, LADDER[0])
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return LLMFailure(TIMED_OUT)
            if not self.breaker.allow():
                return LLMFailure(PAUSED)
            per_request = min(self.timeout, left)
            try:
                async with asyncio.timeout(per_request):
                    response = await self._client.chat.completions.create(
                        model=model,
                        messages=_with_format(messages, mode, schema),
                        seed=seed,
                        temperature=temperature,
                        max_tokens=max_tokens,
                        timeout=per_request,
                        **_format_options(mode, name, schema),
                    )
            except openai.APIStatusError as error:
                status = error.status_code
                message = server_message(error, self._secrets)
                fault = classify(status, message)
                log.warning("LLM request failed with HTTP %s (attempt %s, %s): %s", status, attempt + 1, mode, message)
                if fault == "format" and (lower := next_rung(mode, message)) is not None:
                    self.breaker.succeeded()
                    mode = lower
                    continue
                if fault in ("permanent", "format"):
                    self.breaker.succeeded()
                    return LLMFailure(rejected_reason(status, message))
                reason = RATE_LIMITED if fault == "rate_limited" else UNAVAILABLE
                delay = self._delay(attempt, error.response.headers.get("retry-after"))
            except (openai.APITimeoutError, TimeoutError):
                reason, delay = TIMED_OUT, self._delay(attempt, None)
                log.warning("LLM request timed out after %.1f s (attempt %s)", per_request, attempt + 1)
            except openai.APIConnectionError:
                reason, delay = UNAVAILABLE, self._delay(attempt, None)
                log.warning("LLM endpoint unreachable (attempt %s)", attempt + 1)
            except openai.OpenAIError as error:
                log.warning("LLM reply could not be read: %s", redact(str(error), self._secrets))
                self.breaker.succeeded()
                return LLMFailure(UNUSABLE)
            else:
                self.breaker.succeeded()
                self.modes[model] = mode
                return _reply(response, max_tokens)
            self.breaker.failed()
            if delay is None or attempt >= self.retry.max_retries or delay >= until - time.monotonic():
                return LLMFailure(reason)
            await asyncio.sleep(delay)
            attempt += 1

    def _delay(self, attempt: int, retry_after: str | None) -> float | None:
        """Return how long to wait before retrying, or None when the server asks for longer than we will wait."""
        if retry_after:
            wait = _retry_after_seconds(retry_after)
            if wait is not None:
                return wait if wait <= self.retry.retry_after_cap else None
        return min(self.retry.max_backoff, self.retry.backoff * 2.0**attempt) * (0.5 + self._jitter.random())


def _format_options(mode: Mode, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The ``response_format`` keyword for a rung; plain text sends none (some servers reject even ``text``)."""
    if mode in ("json_schema", "json_schema_lean"):
        shape = schema if mode == "json_schema" else lean(schema)
        return {
            "response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": shape, "strict": True}}
        }
    if mode == "json_object":
        # llama-cpp-python (like Anyscale) turns a "schema" here into a grammar; servers without it ignore the key.
        return {"response_format": {"type": "json_object", "schema": floors_only(schema)}}
    return {}


def _with_format(
    messages: Sequence[ChatCompletionMessageParam], mode: Mode, schema: dict[str, Any]
) -> list[ChatCompletionMessageParam]:
    """Below the schema rungs the server no longer holds the model to the schema, so the prompt shows it.

    The note joins the last user message rather than adding a system message after it: some chat templates
    (Gemma's) insist that roles alternate.
    """
    if mode in ("json_schema", "json_schema_lean"):
        return list(messages)
    note = prompts.load("format.md").replace("{schema}", json.dumps(schema, separators=(",", ":")))
    out = list(messages)
    last = out[-1]
    out[-1] = {"role": "user", "content": f"{last.get('content', '')}\n\n{note}"}
    return out


def _reply(response: Any, max_tokens: int) -> Completion | LLMFailure:
    """Pull the text out of a completion, turning refusals and emptiness into failures and marking truncation."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        return LLMFailure(UNUSABLE)
    choice = choices[0]
    message = choice.message
    if getattr(message, "refusal", None) or choice.finish_reason == "content_filter":
        return LLMFailure(REFUSED)
    content = message.content or ""
    truncated = choice.finish_reason == "length"
    if not content.strip() and not truncated:
        return LLMFailure(UNUSABLE)
    return Completion(content, truncated=truncated, max_tokens=max_tokens)


def _retry_after_seconds(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
