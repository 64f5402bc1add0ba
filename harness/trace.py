"""The run's trace: every exchange between actors, in order, tagged with scenario and step.

Simulators run in server threads, so the current scenario/step is shared state under a
lock rather than a contextvar: scenarios run one at a time. A scenario that waits may let later scenarios run
inside its wait (harness.overlap); each keeps its own current step, and a listener of the waiting scenario records
under that scenario (``record(scenario=...)``), not under the one running meanwhile.

A message is recorded raw (its bytes, content type and direction, bounded: :data:`RAW_KEEP_BYTES`) and rendered for
reading (ASN.1 value notation, JSON re-indented, JWS decoded, secrets redacted, capped at :data:`TRACE_BODY_CHARS`)
the first time its ``body_text`` or ``summary`` is read, i.e. when a report is written: recording costs no decoding.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx

from harness.model import TraceEvent
from harness.redact import redact, redact_headers, redacted_elsewhere
from harness.sut_input import JsonTooDeep, SutInputError, parse_json
from wire.cmp import parse_message
from wire.cmp.status import STATUS_NAMES, first_status

TRACE_BODY_CHARS = 64 * 1024  # the trace (and so the report) keeps this much of any body
RAW_KEEP_BYTES = 4 * TRACE_BODY_CHARS  # a body kept raw for report time at most this long; longer: rendered at once


def capped(text: str, limit: int = TRACE_BODY_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was not recorded (the report stays small)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n[... {len(text[limit:].encode('utf-8', 'replace'))} bytes not recorded]"


@dataclass(frozen=True)
class RawBody:
    """A recorded message body as it was on the wire (``data``), or ``None`` for a text body given ready to show
    (still to be redacted and capped)."""

    data: bytes | None
    content_type: str = ""
    cmp_label: bool = False  # the summary ends with the CMP message's label (cmp_summary)

    def render(self, name: str, given: str) -> str:
        """The shown value of the event field ``name`` ("summary" or "body_text") whose recorded value is ``given``."""
        if name == "summary":
            return f"{given} · {cmp_summary(self.data)}" if self.cmp_label and self.data is not None else given
        text = decode_body(self.content_type, self.data) if self.data is not None else given
        return capped(redact(text))


class _Rendered:
    """A TraceEvent text field rendered from the event's :class:`RawBody` on first read, then kept."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.given, self.shown = name, f"_given_{name}", f"_shown_{name}"

    def __set__(self, obj: Any, value: str) -> None:
        obj.__dict__[self.given] = value
        obj.__dict__.pop(self.shown, None)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return ""  # the field's default
        state = obj.__dict__
        shown = state.get(self.shown)
        if shown is None:
            given, raw = state.get(self.given, ""), state.get("raw")
            shown = state[self.shown] = given if raw is None else raw.render(self.name, given)
        return shown


@dataclass(frozen=True)
class RecordedEvent(TraceEvent):
    """A TraceEvent whose ``body_text`` and ``summary`` are rendered from ``raw`` when first read (report time).
    ``raw`` is set by :meth:`Trace.record` only: a copy (dataclasses.replace) carries the rendered texts."""

    raw: RawBody | None = field(default=None, init=False, compare=False, repr=False)  # None: final as given

    body_text = _Rendered()  # type: ignore[assignment]
    summary = _Rendered()  # type: ignore[assignment]


def _render_both(raw: RawBody, summary: str, body_text: str) -> tuple[str, str]:
    return raw.render("summary", summary), raw.render("body_text", body_text)


PARALLEL_FROM = 64  # events still to render before a report spreads the work over the machine's cores


def prerender(events: Sequence[TraceEvent], workers: int | None = None) -> int:
    """Render every recorded event not yet rendered, in worker processes when there are many (pyasn1 decoding is
    most of a report's cost: about 20 ms a CMP message, all CPU), so a full run's report uses every core. Safe to
    skip: an event not rendered here is rendered when first read. Returns how many were rendered here."""
    for event in events:  # rendered ahead, during the run (Trace.render_ahead): collect what is done
        ahead = event.__dict__.pop("_ahead", None) if isinstance(event, RecordedEvent) else None
        if ahead is not None and not ahead.cancelled() and ahead.exception() is None:
            event.__dict__["_shown_summary"], event.__dict__["_shown_body_text"] = ahead.result()
            redacted_elsewhere(event.__dict__["_shown_body_text"])
    pending = [e for e in events if isinstance(e, RecordedEvent) and e.raw is not None
               and ("_shown_body_text" not in e.__dict__ or "_shown_summary" not in e.__dict__)]
    jobs = [(e.raw, e.__dict__.get("_given_summary", ""), e.__dict__.get("_given_body_text", "")) for e in pending]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return 0  # rendered lazily, one by one, when read
    # fork is the cheap start, but only safe while no other thread runs (one could hold a lock the child inherits)
    method = "fork" if threading.active_count() == 1 else "spawn"
    try:
        with _render_pool(workers, method) as pool:
            done = list(pool.map(_render_both, *zip(*jobs), chunksize=max(len(jobs) // (workers * 4), 1)))
    except (OSError, BrokenProcessPool):  # no processes to be had here: the lazy path renders them instead
        return 0
    for event, (summary, body_text) in zip(pending, done):
        event.__dict__["_shown_summary"], event.__dict__["_shown_body_text"] = summary, body_text
        redacted_elsewhere(body_text)
    return len(done)


def _render_pool(workers: int, method: str) -> ProcessPoolExecutor:
    """Worker processes that render trace events and end with this process (:func:`_die_with`)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_die_with,
                               initargs=(os.getpid(),))


def _die_with(parent: int) -> None:
    """In a render worker: end when the run's process ends, even by SIGKILL (it would otherwise keep the run's
    stdout and stderr open, and whoever reads them waiting)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):  # not Linux: only the check below
        pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)


class Trace:
    def __init__(self) -> None:
        self._events: list[TraceEvent] = []
        self._lock = threading.Lock()
        self._scenario = ""
        self._steps: dict[str, str] = {}  # each scenario's current step (a waiting one keeps its own)
        self._ahead: ProcessPoolExecutor | None = None

    @contextmanager
    def render_ahead(self) -> Iterator[None]:
        """While the block runs, bodies recorded are also rendered in one worker process, on a core the run leaves
        idle (a run is mostly one busy thread plus waits), so a report written afterwards finds them done. Only
        worth it when a report will be written: a run judged without one (the test suite) never renders at all.
        Leaving the block waits for the renders still pending; :func:`prerender` collects them."""
        if (os.cpu_count() or 1) < 2:
            yield
            return
        try:  # spawn: the run's server threads make fork unsafe; the worker's start-up overlaps the run
            pool = _render_pool(1, "spawn")
        except OSError:
            yield
            return
        self._ahead = pool
        try:
            yield
        finally:
            self._ahead = None
            pool.shutdown(wait=True, cancel_futures=False)

    @contextmanager
    def scenario(self, scenario_id: str) -> Iterator[None]:
        with self._lock:
            previous, self._scenario, self._steps[scenario_id] = self._scenario, scenario_id, ""
        try:
            yield
        finally:
            with self._lock:  # back to the scenario that was running (a waiting one resumes at its own step)
                self._scenario = previous
                self._steps.pop(scenario_id, None)

    def set_step(self, step: str) -> None:
        with self._lock:
            self._steps[self._scenario] = step

    @property
    def current(self) -> tuple[str, str]:
        with self._lock:
            return self._scenario, self._steps.get(self._scenario, "")

    def record(
        self,
        sender: str,
        receiver: str,
        kind: str,
        summary: str,
        *,
        channel: str = "",
        headers: Mapping[str, str] | None = None,
        body_text: str = "",
        body: bytes | None = None,
        content_type: str = "",
        cmp_label: bool = False,
        scenario: str | None = None,
    ) -> int:
        """Record one message. ``body`` (raw bytes of ``content_type``) is decoded for reading only when the event's
        ``body_text`` is first read, else ``body_text`` is the text shown (redacted and capped then, too);
        ``cmp_label``: ``summary`` gets `` · `` and the CMP message's label (:func:`cmp_summary` of ``body``) then;
        ``scenario``: the scenario (at its current step) the event belongs to, when not the one running now (a
        listener of a scenario that lets others run during its wait)."""
        raw: RawBody | None = RawBody(body, content_type, cmp_label)
        if (len(body) if body is not None else len(body_text)) > RAW_KEEP_BYTES:  # bounded as ever: rendered now
            assert raw is not None
            summary, body_text, raw = raw.render("summary", summary), raw.render("body_text", body_text), None
        safe_headers = redact_headers(headers or {})
        with self._lock:
            owner = self._scenario if scenario is None else scenario
            seq = len(self._events) + 1
            event = RecordedEvent(
                seq=seq,
                at=datetime.now(timezone.utc),
                sender=sender,
                receiver=receiver,
                kind=kind,
                summary=summary,
                channel=channel,
                headers=safe_headers,
                body_text=body_text,
                step=self._steps.get(owner, ""),
                scenario=owner,
            )
            object.__setattr__(event, "raw", raw)
            self._events.append(event)
        if raw is not None and self._ahead is not None and raw.data:
            try:
                event.__dict__["_ahead"] = self._ahead.submit(_render_both, raw, summary, body_text)
            except (RuntimeError, BrokenProcessPool):  # shut down meanwhile, or no worker: rendered when read
                pass
        return seq

    def events(self, scenario: str | None = None) -> tuple[TraceEvent, ...]:
        with self._lock:
            if scenario is None:
                return tuple(self._events)
            return tuple(e for e in self._events if e.scenario == scenario)

    @property
    def last_seq(self) -> int:
        with self._lock:
            return len(self._events)


BodyDecoder = Callable[[str, bytes], str]


def drop_private_keys(notation: str) -> str:
    """Remove any privateKey component (e.g. certifiedKeyPair.privateKey) from ASN.1 value notation."""
    out: list[str] = []
    skip_deeper_than: int | None = None
    for line in notation.splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if indent > skip_deeper_than:
                continue
            skip_deeper_than = None
        if line.strip().startswith("privateKey="):
            out.append(" " * indent + "privateKey=[REDACTED]")
            skip_deeper_than = indent
            continue
        out.append(line)
    return "\n".join(out)


RAW_VIEW_CHARS = 4000  # a body that cannot be decoded for reading is shown raw, this long at most


def raw_view(content_type: str, body: bytes, why: str = "") -> str:
    """A body as raw text, truncated (never binary: it could be a DER private key or PKCS#12)."""
    ctype = content_type.split(";")[0].strip().lower()
    note = f"(not decoded: {why}) " if why else ""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"{note}({len(body)} bytes of {ctype or 'undeclared'} content, not valid UTF-8, not shown)"
    if len(text) > RAW_VIEW_CHARS:
        return f"{note}{text[:RAW_VIEW_CHARS]}... ({len(text) - RAW_VIEW_CHARS} more characters not shown)"
    return f"{note}{text}" if note else text


def decode_body(content_type: str, body: bytes) -> str:
    """Human-readable view of a message body for the trace (redaction happens in record). Never raises: a body
    the decoders cannot handle (hostile DER, JSON nested too deep, ...) is shown as raw truncated text."""
    try:
        return _decode_body(content_type, body)
    except Exception as exc:  # RecursionError, pyasn1, josepy ...: SUT input, never a harness crash
        return raw_view(content_type, body, f"{type(exc).__name__}")


def _decode_body(content_type: str, body: bytes) -> str:
    if not body:
        return ""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/pkixcmp":
        from wire.cmp import to_value_notation

        return drop_private_keys(to_value_notation(body))
    if ctype == "application/jose+json":
        return _jose_view(body)
    if ctype.endswith("json"):
        try:
            return json.dumps(parse_json(body, "body"), indent=2, sort_keys=False)
        except JsonTooDeep as exc:
            return raw_view(content_type, body, str(exc))
        except SutInputError:
            pass
    return _text_or_note(ctype, body)


def _text_or_note(ctype: str, body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:  # never dump unknown binary: it could be a DER private key or PKCS#12
        return f"({len(body)} bytes of {ctype or 'undeclared'} content, not shown)"


def _jose_view(body: bytes) -> str:
    """A flattened JWS (ACME request) with its protected header and payload decoded."""
    import josepy as jose

    try:
        jws = parse_json(body, "JWS")
        view = {"protected": parse_json(jose.b64decode(jws["protected"]), "JWS protected header"),
                "payload": parse_json(jose.b64decode(jws["payload"]), "JWS payload") if jws.get("payload")
                else "(empty: POST-as-GET)",
                "signature": f"({len(jose.b64decode(jws['signature']))} bytes)"}
    except (ValueError, KeyError, TypeError, AttributeError, SutInputError):
        return body.decode("utf-8", "replace")[:RAW_VIEW_CHARS]
    return json.dumps(view, indent=2)


def cmp_summary(der: bytes) -> str:
    """'cp accepted', 'error notAuthorized', 'pollRep' ... for a diagram label."""

    try:
        message = parse_message(der)
        status = first_status(message)
    except Exception:  # CmpDecodeError, or anything else hostile DER provokes: a label never breaks the trace
        return "undecodable PKIMessage"
    if status is None:
        return message.body_type
    code, fail_info, _ = status
    label = ",".join(sorted(fail_info)) if fail_info else STATUS_NAMES.get(code, str(code))
    return f"{message.body_type} {label}"


def trace_hooks(trace: Trace, sender: str, receiver: str, channel: str) -> dict[str, list[Callable[..., None]]]:
    """httpx event hooks that record each request and response of a client into the trace."""

    def on_request(request: httpx.Request) -> None:
        request.read()
        seq = trace.record(
            sender,
            receiver,
            "http-request",
            f"{request.method} {request.url.raw_path.decode()}",
            channel=channel,
            headers=dict(request.headers),
            body=request.content,
            content_type=request.headers.get("content-type", ""),
        )
        request.extensions["nfvct_seq"] = seq

    def on_response(response: httpx.Response) -> None:
        try:
            response.read()
        except httpx.TransportError as exc:  # a bound (harness/bounds.py) or a dropped connection: say so, briefly
            seq = trace.record(receiver, sender, "http-response",
                               f"{response.status_code} {response.reason_phrase} · body not read: {type(exc).__name__}",
                               channel=channel, headers=dict(response.headers), body_text=str(exc))
            response.extensions["nfvct_seq"] = seq  # type: ignore[index]
            raise
        content_type = response.headers.get("content-type", "")
        seq = trace.record(
            receiver,
            sender,
            "http-response",
            f"{response.status_code} {response.reason_phrase}",
            channel=channel,
            headers=dict(response.headers),
            body=response.content,
            content_type=content_type,
            cmp_label=content_type.startswith("application/pkixcmp"),
        )
        response.extensions["nfvct_seq"] = seq  # type: ignore[index]

    return {"request": [on_request], "response": [on_response]}
