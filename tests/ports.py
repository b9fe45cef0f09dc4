"""Ports of 127.0.0.1 for the tests: a free one to serve on, and a URL there that refuses connections."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (bound by the OS's choice, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def refused_url(path: str) -> str:
    """An http URL of `path` on a free port of 127.0.0.1: a download from it is refused at once."""
    return f"http://127.0.0.1:{free_port()}/{path}"
