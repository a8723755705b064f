"""A TCP proxy on loopback that can cut a PostgreSQL connection right at COMMIT.

Armed, it watches what the client sends; on the connection that has sent an INSERT INTO
requests, the first COMMIT is either passed to the server (which then commits) or swallowed
(the server rolls back), and both sockets are closed before any reply reaches the client.
So the client cannot know whether its transaction committed. With `refuse_after_cut`, every
later connection is closed at once, as if the server stayed out of reach.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class _Link:
    def __init__(self) -> None:
        self.holding = threading.Event()
        self.replied = threading.Event()


class CommitCutter:
    def __init__(self, upstream_port: int, *, forward_commit: bool = True) -> None:
        self.upstream_port = upstream_port
        self.forward_commit = forward_commit
        self.refuse_after_cut = False
        self.armed = False
        self.cut = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.cut.is_set() and self.refuse_after_cut:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            link = _Link()
            threading.Thread(
                target=self._client_to_server, args=(client, server, link), daemon=True
            ).start()
            threading.Thread(target=self._pump, args=(server, client, link), daemon=True).start()

    def _client_to_server(self, client: socket.socket, server: socket.socket, link: _Link) -> None:
        inserted = False
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            inserted = inserted or b"INSERT INTO requests" in data
            if self.armed and inserted and b"COMMIT" in data:
                self.armed = False
                link.holding.set()  # from now on no reply reaches the client
                if self.forward_commit:
                    server.sendall(data)
                    # The server has committed once it answers; only then cut.
                    link.replied.wait(timeout=10)
                self.cut.set()
                break
            try:
                server.sendall(data)
            except OSError:
                break
        for sock in (client, server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, link: _Link) -> None:
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                if link.holding.is_set():
                    link.replied.set()
                    continue
                sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()
