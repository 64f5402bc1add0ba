"""The reference SM's subscriptions, kept alive: NFV-MANO may be unreachable when the SM starts (out of process
the harness's NFVO and VIM run only while `nfvct run` runs) and may forget a subscription (a restarted NFVO). So
every wanted subscription is retried until it is held, and a held one is looked up in the producer's subscription
list now and then and made again when it is gone. One background thread, until ``stop``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Wanted:
    binding: str  # the interface set (its credential is used)
    collection: str  # {apiRoot}/.../subscriptions
    body: dict[str, Any]  # the subscription request


class Keeper:
    """Holds ``wanted``; ``client(binding)`` gives the set's mTLS client. Unreachable: retry after ``retry``
    seconds; refused (an HTTP error status) or held: look again after ``check`` seconds."""

    def __init__(self, wanted: list[Wanted], client: Callable[[str], httpx.Client], stop: threading.Event,
                 retry: float, check: float) -> None:
        self.wanted, self.client, self.stop = wanted, client, stop
        self.retry, self.check = retry, check
        self.held: dict[int, str] = {}  # index in ``wanted`` -> subscription id
        self._thread = threading.Thread(target=self._run, name="nfvct-refsm-subscriptions", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        due = [0.0] * len(self.wanted)
        while not self.stop.is_set():
            for i, want in enumerate(self.wanted):
                if self.stop.is_set():
                    return
                if time.monotonic() >= due[i]:
                    due[i] = time.monotonic() + self._keep(i, want)
            wait = min(due, default=self.check) - time.monotonic()
            self.stop.wait(min(max(wait, 0.05), self.check))

    def _keep(self, i: int, want: Wanted) -> float:
        """One step for ``want``; returns the seconds until the next."""
        try:
            client = self.client(want.binding)
            if i in self.held:
                response = client.get(want.collection)
                if response.status_code >= 300:
                    return self.check
                listed = response.json()
                ids = {s.get("id") for s in listed if isinstance(s, dict)} if isinstance(listed, list) else set()
                if self.held[i] in ids:
                    return self.check
                del self.held[i]  # gone (e.g. a restarted NFVO): subscribe again now
            response = client.post(want.collection, json=want.body)
        except (httpx.HTTPError, ValueError, RuntimeError):  # unreachable, closed, or not JSON
            return self.retry
        if response.status_code != 201:
            return self.check
        try:
            sub_id = response.json().get("id")
        except (ValueError, AttributeError):
            sub_id = None
        if isinstance(sub_id, str):
            self.held[i] = sub_id
        return self.check
