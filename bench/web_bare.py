"""A bare Starlette endpoint: the floor that `kotae serve` is compared with in the web bench."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route


async def ask(request: Request) -> HTMLResponse:
    form = await request.form()
    return HTMLResponse(f"<!doctype html><p>{len(str(form.get('q', '')))}</p>")


app = Starlette(routes=[Route("/ask", ask, methods=["POST"])])


def main() -> None:
    """Serve `app` with 2 workers the way `kotae serve` does (same socket set-up)."""
    import sys

    from uvicorn.supervisors import Multiprocess

    from app.web.serve import NoDelayConfig

    config = NoDelayConfig(
        "bench.web_bare:app",
        port=int(sys.argv[1]),
        workers=2,
        access_log=False,
        log_level="warning",
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


if __name__ == "__main__":
    main()
