"""The embedded web server scripts/run uses (werkzeug's), without software versions in its `Server` header.

Production runs gunicorn (README, «Эксплуатация»), whose header is the bare word «gunicorn»; werkzeug's own
handler would announce «Werkzeug/… Python/…», which only helps an attacker pick exploits.
"""
import argparse

from werkzeug.serving import WSGIRequestHandler, run_simple

SERVER_NAME = "registry"


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's handler with a `Server` header that names no software version."""

    def version_string(self) -> str:
        return SERVER_NAME


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Встроенный веб-сервер реестра (для пробного запуска).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    from wsgi import app

    run_simple(args.host, args.port, app, threaded=True, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
