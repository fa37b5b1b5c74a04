"""`python -m thalbook.site.serve [DIR] [--port N]`: serve the built site on 127.0.0.1 like a real host would.

ES modules do not load from file://, so the site must be served over HTTP. `_static/` is sent with
`Cache-Control: public, max-age=86400` (every local CSS/JS link carries a `?v=<crc32>` stamp, so a changed
file gets a new URL); everything else, pages included, is sent with `no-cache` and revalidated
(`If-Modified-Since` -> 304), so a repeat visit fetches only what changed.

Text assets (HTML, CSS, JavaScript, JSON, SVG, TrueType fonts) are sent gzip-compressed when the request's
`Accept-Encoding` allows gzip, with `Content-Encoding: gzip`, the compressed `Content-Length`, and
`Vary: Accept-Encoding` (on every response to a compressible file, so a shared cache keeps the two forms
apart); other clients get the file as it is. Every real host (GitHub Pages, Netlify, nginx, Apache)
compresses text, and the theme's CSS and JavaScript shrink four- to sevenfold, so measuring the site
uncompressed would mislead. Compressed bodies are kept in memory per (file, mtime, size).
"""

from __future__ import annotations

import argparse
import datetime
import email.utils
import functools
import gzip
import http
import http.server
import io
import os
import socketserver
import sys
from pathlib import Path
from typing import ClassVar

# what a host compresses: text, and fonts that are not compressed already (woff2 and images are)
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
                "font/ttf", "font/otf", "application/vnd.ms-fontobject")
MIN_COMPRESS = 256  # bytes; below this gzip's own 20-byte frame and the work outweigh the gain


def compressible(content_type: str) -> bool:
    return content_type.startswith(COMPRESSIBLE)


def accepts_gzip(header: str | None) -> bool:
    """Whether an `Accept-Encoding` header allows gzip (RFC 9110 12.5.3: `gzip;q=0` refuses it, `*` stands
    for any coding not named).

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0"), accepts_gzip("*"), accepts_gzip(None)
    (True, False, True, False)
    """
    star = None
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        name = name.strip().lower()
        if name in ("gzip", "x-gzip"):
            return q > 0
        if name == "*":
            star = q > 0
    return bool(star)


@functools.lru_cache(maxsize=512)
def gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The gzip form of a file (level 6, as nginx and most hosts use; mtime 0 so the bytes are stable),
    cached per (path, mtime, size) so a changed file is compressed again."""
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=6, mtime=0)


class BookHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".mjs": "text/javascript"}

    def send_head(self):  # noqa: ANN201 (a file object or None, as in http.server)
        """Send a compressible file gzip-compressed when the client accepts gzip; anything else (other
        types, small files, directories' redirects, errors) goes the standard way."""
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        self._vary = os.path.isfile(path) and compressible(ctype)
        if not self._vary or not accepts_gzip(self.headers.get("Accept-Encoding")):
            return super().send_head()
        st = os.stat(path)
        if st.st_size < MIN_COMPRESS:
            return super().send_head()
        if self._not_modified(st.st_mtime):
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.end_headers()
            return None
        body = gzipped(path, st.st_mtime_ns, st.st_size)
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(st.st_mtime))
        self.end_headers()
        return io.BytesIO(body)

    def _not_modified(self, mtime: float) -> bool:
        """If-Modified-Since handling as in `SimpleHTTPRequestHandler.send_head` (ignored with If-None-Match)."""
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            ims = email.utils.parsedate_to_datetime(since)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if ims.tzinfo is None:
            ims = ims.replace(tzinfo=datetime.UTC)
        modified = datetime.datetime.fromtimestamp(mtime, datetime.UTC).replace(microsecond=0)
        return modified <= ims

    def end_headers(self) -> None:
        if getattr(self, "_vary", False):  # set by send_head for this response only
            self.send_header("Vary", "Accept-Encoding")
            self._vary = False
        if "/_static/" in self.path:
            self.send_header("Cache-Control", "public, max-age=86400")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing address gets status 404 with the book's own `404.html` (thalbook.site.notfound), as a
        host configured for it does; other errors, or a site without that page, go the standard way."""
        page = Path(self.directory) / "404.html"
        if code != http.HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

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
