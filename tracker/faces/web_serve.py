"""Serving the web view (``tracker serve``): a socket bound first (a port taken is one line),
``TrackerWeb`` registered with Datasette in place of Datasette's error pages, uvicorn until
SIGINT or SIGTERM, and nothing left on the port."""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError, TrackerError
from tracker.faces.web import TEMPLATES, TrackerWeb

if TYPE_CHECKING:
    from tracker.app import Tracker

ERRORS = "datasette.handle_exception"  # Datasette's error pages: TrackerWeb's in their place
EXPOSED = (  # served on any address but the loopback's
    "Warning: serving on {host} opens the views, and any SQL query over them, to everyone who "
    "can reach this machine: give --host 127.0.0.1 (the default) unless that is meant"
)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``, or a one-line error saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise InvalidInputError(
            f"cannot serve on {host}:{port}: {error.strerror or error} - choose another --port"
        ) from None
    return sock


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(
    tracker: Tracker,
    host: str = "127.0.0.1",
    port: int = 8001,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``tracker``'s views on ``host``:``port`` until SIGINT or SIGTERM (both stop it
    as Ctrl-C does: ``KeyboardInterrupt``); ``ready`` is told the address once it is bound.
    The caller closes ``tracker``.

    Raises:
        InvalidInputError: the port cannot be had.
    """
    import uvicorn
    from datasette.plugins import pm

    if not TEMPLATES.is_dir():
        raise TrackerError(f"the web view's templates are missing from {TEMPLATES.name}")
    sock = listen(host, port)
    web = TrackerWeb(tracker)
    pm.register(web, name="tracker_web")
    default = pm.unregister(name=ERRORS)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        app = web.build().app()
        if not ipaddress.ip_address(sock.getsockname()[0]).is_loopback:
            print(EXPOSED.format(host=host), file=sys.stderr)
        if ready is not None:
            ready(f"http://{host}:{port}/")
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        server.run(sockets=[sock])
    finally:
        signal.signal(signal.SIGTERM, previous)
        pm.unregister(web)
        if default is not None:
            pm.register(default, name=ERRORS)
        sock.close()
        if web.tracker is not tracker:
            with suppress(Exception):
                web.tracker.close()
