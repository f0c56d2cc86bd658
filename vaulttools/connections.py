"""Many connections, few threads: one loop reads request heads, a small pool answers them.

A client that is slow to send its request holds no thread: one selector loop collects the
bytes of every connection's request head, and only a complete head goes to one of `WORKERS`
threads. A head must be complete within `head_seconds` of the connection (or of the answer
before it on a kept-alive connection), else the connection is closed. With
`max_connections` open, the connection that has waited longest makes room for a new one, so
a flood of slow clients cannot keep out a quick one.
"""

from __future__ import annotations

import contextlib
import queue
import re
import selectors
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

HEAD_SECONDS = 10.0  # for the whole request head, however it trickles in
MAX_CONNECTIONS = 256
WORKERS = 4  # threads that answer complete requests; the loop is one more
HEAD_LIMIT = 65536 + 16384  # a request line as long as http.server takes, and its headers
_END_OF_HEAD = re.compile(rb"\r?\n\r?\n")
_TOO_LONG = {
    414: b"HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    431: b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"Content-Length: 0\r\nConnection: close\r\n\r\n",
}

# Answers one request on a connection from its complete head; True to keep the connection.
Answer = Callable[[socket.socket, Any, bytes], bool]


@dataclass
class _Waiting:
    """A connection whose next request head is still arriving."""

    sock: socket.socket
    address: Any
    deadline: float
    data: bytearray = field(default_factory=bytearray)


class ConnectionLoop:
    """Accepts on `listener` and hands each complete request head to `answer` in a worker."""

    def __init__(
        self,
        listener: socket.socket,
        answer: Answer,
        *,
        head_seconds: float = HEAD_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.listener = listener
        self.answer = answer
        self.head_seconds = head_seconds
        self.max_connections = max_connections
        self.on_error = on_error or (lambda error: None)
        self._waiting: OrderedDict[int, _Waiting] = OrderedDict()  # oldest first
        self._busy = 0  # connections with a worker
        # Connections a worker is done with, and whether to keep them open.
        self._returned: queue.SimpleQueue[tuple[_Waiting, bool]] = queue.SimpleQueue()
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._wake_write.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="vault-serve")
        self._stop = threading.Event()
        self._stopped = threading.Event()

    # The loop.

    def run(self, poll_interval: float = 0.5) -> None:
        """Serve until `stop()`."""
        self._stop.clear()
        self._stopped.clear()
        self.listener.setblocking(False)
        self._selector.register(self.listener, selectors.EVENT_READ, "accept")
        self._selector.register(self._wake_read, selectors.EVENT_READ, "wake")
        try:
            while not self._stop.is_set():
                self._turn(poll_interval)
        finally:
            self._selector.unregister(self.listener)
            self._selector.unregister(self._wake_read)
            self._stopped.set()

    def _turn(self, poll_interval: float) -> None:
        for key, _ in self._selector.select(self._wait_time(poll_interval)):
            if key.data == "accept":
                self._accept()
            elif key.data == "wake":
                self._take_back()
            else:
                self._receive(key.data)
        self._expire()

    def _wait_time(self, poll_interval: float) -> float:
        if not self._waiting:
            return poll_interval
        oldest = next(iter(self._waiting.values()))
        return max(0.0, min(poll_interval, oldest.deadline - time.monotonic()))

    def stop(self) -> None:
        """Make `run` return, and wait until it has."""
        self._stop.set()
        self._wake()
        self._stopped.wait()

    def close(self) -> None:
        """Close every connection and let the workers finish what they answer."""
        for waiting in list(self._waiting.values()):
            self._drop(waiting)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._drain_returned()
        self._selector.close()
        self._wake_read.close()
        self._wake_write.close()

    # Connections.

    def _accept(self) -> None:
        for _ in range(64):  # a burst at a time, so that the other connections get turns
            try:
                sock, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # out of file descriptors, say: wait for one to close
                self.on_error(error)
                return
            if not self._make_room():
                sock.close()
                continue
            sock.setblocking(False)
            self._wait_on(_Waiting(sock, address, time.monotonic() + self.head_seconds))

    def _make_room(self) -> bool:
        """Below the limit, or the longest-waiting connection is closed: True; else False."""
        if len(self._waiting) + self._busy < self.max_connections:
            return True
        if not self._waiting:
            return False
        self._drop(next(iter(self._waiting.values())))
        return True

    def _wait_on(self, waiting: _Waiting) -> None:
        self._waiting[waiting.sock.fileno()] = waiting
        self._selector.register(waiting.sock, selectors.EVENT_READ, waiting)
        if _END_OF_HEAD.search(waiting.data):  # a pipelined request came with the last one
            self._dispatch(waiting)

    def _receive(self, waiting: _Waiting) -> None:
        try:
            chunk = waiting.sock.recv(16384)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(waiting)
            return
        start = max(0, len(waiting.data) - 3)
        waiting.data += chunk
        if _END_OF_HEAD.search(waiting.data, start):
            self._dispatch(waiting)
        elif len(waiting.data) > HEAD_LIMIT:
            self._refuse(waiting, 414 if b"\n" not in waiting.data else 431)

    def _refuse(self, waiting: _Waiting, status: int) -> None:
        with contextlib.suppress(OSError):
            waiting.sock.send(_TOO_LONG[status])
        self._drop(waiting)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._waiting:
            oldest = next(iter(self._waiting.values()))
            if oldest.deadline > now:
                return
            self._drop(oldest)

    def _forget(self, waiting: _Waiting) -> None:
        if self._waiting.pop(waiting.sock.fileno(), None) is not None:
            self._selector.unregister(waiting.sock)

    def _drop(self, waiting: _Waiting) -> None:
        self._forget(waiting)
        waiting.sock.close()

    # Workers.

    def _dispatch(self, waiting: _Waiting) -> None:
        self._forget(waiting)
        end = _END_OF_HEAD.search(waiting.data)
        assert end is not None
        head, rest = bytes(waiting.data[: end.end()]), waiting.data[end.end() :]
        self._busy += 1
        waiting.sock.setblocking(True)
        self._pool.submit(self._work, waiting, head, rest)

    def _work(self, waiting: _Waiting, head: bytes, rest: bytearray) -> None:
        keep = False
        try:
            keep = self.answer(waiting.sock, waiting.address, head)
        except (ConnectionError, TimeoutError):
            pass  # the client went away or stopped reading: normal on the internet
        except Exception as error:
            self.on_error(error)
        deadline = time.monotonic() + self.head_seconds
        self._returned.put((_Waiting(waiting.sock, waiting.address, deadline, rest), keep))
        self._wake()

    def _take_back(self) -> None:
        with contextlib.suppress(BlockingIOError, InterruptedError):
            self._wake_read.recv(4096)
        while not self._returned.empty():
            waiting, keep = self._returned.get()
            self._busy -= 1
            if keep and not self._stop.is_set():
                waiting.sock.setblocking(False)
                self._wait_on(waiting)
            else:
                waiting.sock.close()

    def _drain_returned(self) -> None:
        while not self._returned.empty():
            self._returned.get()[0].sock.close()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full: a wake-up is pending anyway; closed: done
            self._wake_write.send(b"\0")
