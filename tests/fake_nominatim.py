"""A small Nominatim look-alike on 127.0.0.1 for tests, with switchable faults.

Answers GET /search (format=json or jsonv2) from an in-memory table and records every
request. Faults are queued rules: each request takes the first rule whose query matches
(or any query) and that still has uses left, so `fail("500"); fail("429", retry_after=1)`
makes the next two requests fail in that order.

    with FakeNominatim() as server:            # in a test (or the `fake_nominatim` fixture)
        settings = Settings(nominatim_domain=server.domain, nominatim_scheme="http")
    python tests/fake_nominatim.py --port 8089 # by hand; Ctrl-C stops it

Coordinates: the campaign reference gazetteer (/work/shared/reference/gazetteer.csv) for
Baghuz Fawqani, Hajin and al-Susah; the decoys Sousse and Bolton as given in the
project brief (city-centre points).
OSM ids are made up (9xxxxxxxx) and must not be taken for real ones.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import socket
import struct
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

FAULTS = ("slow", "429", "403", "500", "502", "503", "malformed", "html", "empty", "reset",
          "400", "object")  # the last two: a bad request, and JSON that is not a list


def _place(osm_id, name, names, lat, lon, cls, typ, addresstype, rank, importance,
           country, code, region):
    return {
        "place_id": osm_id - 900000000, "licence": "test data, not from OpenStreetMap",
        "osm_type": "node", "osm_id": osm_id, "lat": f"{lat:.7f}", "lon": f"{lon:.7f}",
        "class": cls, "type": typ, "place_rank": rank, "importance": importance,
        "addresstype": addresstype, "name": name,
        "display_name": f"{name}, {region}, {country}",
        "address": {addresstype: name, "state": region, "country": country,
                    "country_code": code},
        "namedetails": {"name": names[0], "name:en": name},
        "boundingbox": [f"{lat - 0.02:.7f}", f"{lat + 0.02:.7f}",
                        f"{lon - 0.02:.7f}", f"{lon + 0.02:.7f}"],
        "_aliases": [name, *names],
    }


PLACES = [
    _place(900000001, "Baghuz Fawqani",
           ["الباغوز فوقاني", "Baghouz", "Baghuz", "Al Baghuz Fawqani"],
           34.4586, 40.9506, "place", "village", "village", 19, 0.35,
           "Syria", "sy", "Deir ez-Zor Governorate"),
    _place(900000002, "Hajin", ["هجين", "Hadjin"], 34.6894, 40.8308, "place", "town", "town",
           18, 0.4, "Syria", "sy", "Deir ez-Zor Governorate"),
    _place(900000003, "al-Susah", ["السوسة", "Susah", "Sousa", "Al Susah", "Susa"],
           34.5289, 40.9675, "place", "village", "village", 19, 0.25,
           "Syria", "sy", "Deir ez-Zor Governorate"),
    _place(900000004, "Sousse", ["سوسة", "Sousa", "Susa"], 35.8254, 10.6360, "place", "city",
           "city", 16, 0.6, "Tunisia", "tn", "Sousse Governorate"),
    _place(900000005, "Bolton", ["Bolton"], 53.5780, -2.4290, "place", "town", "town",
           18, 0.55, "United Kingdom", "gb", "England"),
]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass
class Recorded:
    path: str
    params: dict
    headers: dict
    time: float  # time.monotonic() at arrival (system-wide on Linux)
    fault: str | None


@dataclass
class Rule:
    fault: str
    query: str | None  # normalised; None matches any request
    times: int | None  # uses left; None = for ever
    retry_after: str | None = None
    delay: float = 2.0
    hits: int = field(default=0)


class FakeNominatim:
    def __init__(self, places: list[dict] | None = None, *, port: int = 0):
        self.places = PLACES if places is None else places
        self.requests: list[Recorded] = []
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def domain(self) -> str:
        """What geopy calls the domain: host:port."""
        return f"127.0.0.1:{self.port}"

    def fail(self, fault: str, *, query: str | None = None, times: int | None = 1,
             retry_after: str | float | None = None, delay: float = 2.0) -> Rule:
        """Queue a fault for the next `times` matching requests (None: until cleared)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {FAULTS}")
        rule = Rule(fault, None if query is None else _norm(query), times,
                    None if retry_after is None else str(retry_after), delay)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def searches(self, query: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == "/search"
                    and (query is None or _norm(r.params.get("q", "")) == _norm(query))]

    def start(self) -> FakeNominatim:
        # A short poll interval so stop() returns quickly between tests.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True, name=f"fake-nominatim-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeNominatim:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _take_rule(self, params: dict) -> Rule | None:
        q = _norm(params.get("q", ""))
        with self._lock:
            for rule in self._rules:
                if (rule.query is None or rule.query == q) and rule.times != 0:
                    if rule.times is not None:
                        rule.times -= 1
                    rule.hits += 1
                    return rule
        return None

    def answer(self, params: dict) -> list[dict]:
        """The places a real server might return for these parameters."""
        q = _norm(params.get("q", ""))
        codes = {c.strip().lower() for c in params.get("countrycodes", "").split(",") if c.strip()}
        found = []
        for place in self.places:
            aliases = [_norm(a) for a in place.get("_aliases", [place["name"]])]
            if not any(q == a or q.startswith(a + ",") for a in aliases):
                continue
            if codes and place["address"]["country_code"] not in codes:
                continue
            found.append(place)
        found.sort(key=lambda p: -p["importance"])
        found = found[: int(params.get("limit", 10))]
        out = []
        for place in found:
            item = {k: v for k, v in place.items() if not k.startswith("_")}
            if params.get("addressdetails") != "1":
                item.pop("address", None)
            if params.get("namedetails") != "1":
                item.pop("namedetails", None)
            if params.get("format") == "jsonv2":
                item["category"] = item.pop("class")
            out.append(item)
        return out


def _handler_for(server: FakeNominatim):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: tests read server.requests instead
            pass

        def do_GET(self):
            arrived = time.monotonic()
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            rule = server._take_rule(params) if url.path == "/search" else None
            with server._lock:
                server.requests.append(Recorded(url.path, params, dict(self.headers.items()),
                                                arrived, rule.fault if rule else None))
            # the client may give up (timeout test): nothing to do then
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._respond(url.path, params, rule)

        def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _respond(self, path: str, params: dict, rule: Rule | None):
            fault = rule.fault if rule else None
            if fault == "slow":
                server._stopping.wait(rule.delay)
            elif fault == "400":
                return self._send(400, b'{"error": {"code": 400, "message": "Parameter '
                                  b'viewbox invalid"}}', "application/json")
            elif fault == "object":
                return self._send(200, b"{}", "application/json")
            elif fault in {"403", "500", "502", "503"}:
                return self._send(int(fault), f"<html><body>Error {fault}</body></html>".encode(),
                                  "text/html")
            elif fault == "429":
                extra = {"Retry-After": rule.retry_after} if rule.retry_after else {}
                return self._send(429, b'{"error": "Too Many Requests"}', "application/json",
                                  extra)
            elif fault == "malformed":
                return self._send(200, b'[{"place_id": 1, "lat": "34.4', "application/json")
            elif fault == "html":
                return self._send(200, b"<!DOCTYPE html><html><body><h1>Service temporarily "
                                  b"down for maintenance</h1></body></html>", "text/html")
            elif fault == "empty":
                return self._send(200, b"", "application/json")
            elif fault == "reset":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "4096")
                self.end_headers()
                self.wfile.write(b'[{"place_id": 900000001, "lat": ')
                self.wfile.flush()
                # Linger 0: close() sends a TCP RST instead of a clean FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if path != "/search":
                return self._send(404, b'{"error": "unknown path"}', "application/json")
            body = json.dumps(server.answer(params), ensure_ascii=False).encode()
            return self._send(200, body, "application/json; charset=utf-8")

    return Handler


def closed_port() -> int:
    """A loopback port with nothing listening: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Nominatim on 127.0.0.1 for manual runs")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--fault", choices=FAULTS, help="answer every request with this fault")
    parser.add_argument("--retry-after", default=None, help="Retry-After for --fault 429")
    args = parser.parse_args(argv)
    server = FakeNominatim(port=args.port)
    if args.fault:
        server.fail(args.fault, times=None, retry_after=args.retry_after)
    print(f"fake Nominatim at http://{server.domain}/search?q=Hajin&format=json (Ctrl-C stops)")
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
