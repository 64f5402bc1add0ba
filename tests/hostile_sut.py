"""A hostile CMF for the bounds tests: a raw asyncio server on 127.0.0.1 (TLS with an environment's CMF
certificate) that answers every request with one misbehaviour. Bounded: each connection at most
``CONNECTION_SECONDS``, at most ``MAX_CONNECTIONS`` connections, and the server stops when its block exits.

Behaviours: ``silent`` (reads the request, never answers), ``slowloris`` (headers, then the body one byte per
second), ``continue-storm`` (``100 Continue`` forever), ``oversize`` (a 50 MB body, streamed), ``json-string``
(a 10 MB JSON string), ``gzip-bomb`` (Content-Encoding: gzip, ~1 MB compressed inflating to 1 GiB, compressed
as it is sent: never held in memory).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

BEHAVIOURS = ("silent", "slowloris", "continue-storm", "oversize", "json-string", "gzip-bomb")
CONNECTION_SECONDS = 20.0
MAX_CONNECTIONS = 50
MiB = 1024 * 1024


async def _gzip_bomb(total: int = 1024 * MiB) -> AsyncIterator[bytes]:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MiB)
    for _ in range(total // MiB):
        out = packer.compress(block)
        if out:
            yield out
        await asyncio.sleep(0)
    yield packer.flush()


async def _repeat(piece: bytes, total: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = piece[: total - sent]
        sent += len(chunk)
        yield chunk


async def _json_string(size: int = 10 * MiB) -> AsyncIterator[bytes]:
    yield b'{"detail": "'
    async for chunk in _repeat(b"A" * (64 * 1024), size):
        yield chunk
    yield b'"}'


class HostileSut:
    def __init__(self, behaviour: str, port: int, cert: Path, key: Path) -> None:
        assert behaviour in BEHAVIOURS, behaviour
        self.behaviour, self.port = behaviour, port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(key))
        self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"hostile-{behaviour}", daemon=True)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, ssl=self.context)
        self._ready.set()
        async with server:
            await self._stop.wait()
            server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            if self.connections <= MAX_CONNECTIONS:
                await asyncio.wait_for(self._answer(reader, writer), CONNECTION_SECONDS)
        except (TimeoutError, OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # the server stops: its connections end with it
            pass
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = min(int(line.split(b":", 1)[1]), MiB)
        if length:
            await reader.readexactly(length)
        kind = self.behaviour
        if kind == "silent":
            await asyncio.sleep(CONNECTION_SECONDS)
        elif kind == "slowloris":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(int(CONNECTION_SECONDS)):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(1.0)
        elif kind == "continue-storm":
            for _ in range(int(CONNECTION_SECONDS * 20)):
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                await writer.drain()
                await asyncio.sleep(0.05)
        else:
            body, headers = {
                "oversize": (_repeat(b"x" * (64 * 1024), 50 * 1000 * 1000),
                             f"Content-Type: application/json\r\nContent-Length: {50 * 1000 * 1000}\r\n"),
                "json-string": (_json_string(), f"Content-Type: application/json\r\nContent-Length: {10 * MiB + 14}\r\n"),
                "gzip-bomb": (_gzip_bomb(), "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
                                            "Connection: close\r\n"),
            }[kind]
            writer.write(f"HTTP/1.1 200 OK\r\n{headers}\r\n".encode())
            async for chunk in body:
                writer.write(chunk)
                await writer.drain()

    def __enter__(self) -> HostileSut:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"hostile SUT could not listen on 127.0.0.1:{self.port}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=CONNECTION_SECONDS + 5)


@contextmanager
def hostile_sut(behaviour: str, port: int, cert: Path, key: Path) -> Iterator[HostileSut]:
    with HostileSut(behaviour, port, cert, key) as sut:
        yield sut
