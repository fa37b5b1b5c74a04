"""`python -m thalbook.serve [DIR] [--port N]`: serve the built site on 127.0.0.1 like a real host would.

ES modules do not load from file://, so the site must be served over HTTP. `_static/` is sent with
`Cache-Control: public, max-age=31536000, immutable`-style long caching except for HTML pages, which are
revalidated (`no-cache`), so a repeat visit fetches only what changed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import socketserver
import sys
from pathlib import Path
from typing import ClassVar


class BookHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".mjs": "text/javascript"}

    def end_headers(self) -> None:
        if "/_static/" in self.path:
            self.send_header("Cache-Control", "public, max-age=86400")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt: str, *args) -> None:  # quiet unless asked
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(fmt, *args)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    verbose = False


def make_server(directory: Path, port: int = 0, verbose: bool = False) -> Server:
    handler = functools.partial(BookHandler, directory=str(directory))
    server = Server(("127.0.0.1", port), handler)
    server.verbose = verbose
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", default="_build/html")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    directory = Path(args.directory)
    if not (directory / "index.html").is_file():
        print(f"no built site in {directory}: run `make book` first", file=sys.stderr)
        return 1
    server = make_server(directory, args.port, verbose=True)
    print(f"Serving the book at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
