"""The Nominatim client: one HTTP request per attempt, our own retries, a process-wide pace.

geopy builds the URL and parses the answer; everything about *when* to ask lives here:
- at most one request per `settings.min_delay` seconds in the whole process;
- 429, 5xx, timeouts, refused/reset connections and unreadable bodies are retried with
  exponential backoff (1 s, 2 s, 4 s...; a 429's Retry-After is honoured up to a cap),
  then `GeocodingUnavailable`;
- a 403 means the server has banned us: `GeocodingBanned`, and this client never asks again.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.geocoders import Nominatim

from geo.config import Settings
from geo.geocode.cache import GeocodeCache
from geo.geocode.results import candidate_from_raw
from geo.models import Candidate

log = logging.getLogger(__name__)

LIMIT = 5
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class GeocodingError(Exception):
    """The geocoder could not answer; nothing about the place may be concluded."""


class GeocodingUnavailable(GeocodingError):
    """A transient failure that outlasted the allowed retries; try again later (not cached)."""


class GeocodingBanned(GeocodingError):
    """The server refused us (HTTP 403): no further requests from this client."""


class SearchAdapter(RequestsAdapter):
    """geopy reads any falsy JSON ({} or null) as "no match"; only a list may mean that. A
    search answer is checked here, on geopy's public adapter interface, before geopy parses it."""

    def get_json(self, url: str, *, timeout: float, headers: dict) -> Any:
        places = super().get_json(url, timeout=timeout, headers=headers)
        if isinstance(places, dict) and "error" in places:
            raise GeocoderQueryError(str(places["error"]))
        if not isinstance(places, list):
            raise GeocoderParseError(f"expected a JSON list, got {type(places).__name__}")
        return places


class _Retry(Exception):
    """Internal: this attempt failed in a way worth another try."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class NominatimClient:
    # Shared by every client in the process: the usage policy counts the application,
    # not one object, so two clients must not double the request rate.
    _gate = threading.Lock()
    _last_request: float | None = None

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        self._clock, self._sleep = clock, sleep
        self.requests_made = 0
        self.banned = False
        # geopy gives requests' HTTPAdapter max_retries=2, which urllib3 reads as: retry
        # refused connections and read timeouts twice, and sleep out a 429's Retry-After,
        # uncapped (checked against the fake server). 0: one call is one HTTP request.
        adapter = functools.partial(SearchAdapter, max_retries=0)
        self._geocoder = Nominatim(
            user_agent=settings.user_agent,
            domain=settings.nominatim_domain,
            scheme=settings.nominatim_scheme,
            timeout=settings.timeout,
            adapter_factory=adapter,
        )
        self.server = f"{settings.nominatim_scheme}://{settings.nominatim_domain}"

    @classmethod
    def reset_rate_limit(cls) -> None:
        """Forget the last request time (for tests that swap clocks)."""
        with cls._gate:
            cls._last_request = None

    def narrowed(
        self, country_codes: tuple[str, ...], viewbox: tuple[float, float, float, float] | None
    ) -> NominatimClient:
        """The same client (connection, rate limit) asking within an article's countries and
        box; its requests_made counts only its own requests."""
        other = copy.copy(self)
        other.settings = self.settings.with_(country_codes=country_codes, viewbox=viewbox)
        other.requests_made = 0
        return other

    def params(self) -> dict:
        """Everything that changes the answer, hence the cache key (not the user agent)."""
        s = self.settings
        return {
            "server": self.server,
            "countrycodes": ",".join(s.country_codes),
            "viewbox": list(s.viewbox) if s.viewbox else None,
            "bounded": False,
            "language": s.language,
            "limit": LIMIT,
        }

    def search(self, query: str) -> list[Candidate]:
        """Candidates for `query`; [] means the server found nothing (safe to cache)."""
        return self.search_with_raw(query)[0]

    def search_with_raw(self, query: str) -> tuple[list[Candidate], str]:
        """Like search(), plus the answer as JSON text (re-serialised, sorted keys)."""
        if self.banned:
            raise GeocodingBanned(
                f"{self.server} refused this client earlier (HTTP 403); "
                f"not asking for {query!r}. Restart after fixing the cause"
            )
        retries = self.settings.max_retries
        for attempt in range(retries + 1):
            try:
                return self._attempt(query, attempt)
            except _Retry as failure:
                if attempt == retries:
                    raise GeocodingUnavailable(
                        f"{self.server} failed for {query!r} after {attempt + 1} attempts; "
                        f"last: {failure}. Try again later or check GEO_NOMINATIM_DOMAIN"
                    ) from None
                delay = 2.0**attempt
                if failure.retry_after is not None:
                    delay = max(delay, min(failure.retry_after, self.settings.max_retry_after))
                log.info("retrying %r in %.1f s after: %s", query, delay, failure)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _wait_turn(self) -> None:
        cls = type(self)
        with cls._gate:  # held while sleeping: waiters queue up one min_delay apart
            now = self._clock()
            if cls._last_request is not None:
                # Capped so a clock swapped between clients can never mean a huge wait.
                wait = min(
                    cls._last_request + self.settings.min_delay - now, self.settings.min_delay
                )
                if wait > 0:
                    self._sleep(wait)
                    now = self._clock()
            cls._last_request = now

    def _search(self, query: str) -> list[dict]:
        """Nominatim's raw results for one query; geopy's errors pass through."""
        s = self.settings
        viewbox = None
        if s.viewbox:  # geopy wants two (lat, lon) corners: south-west, north-east
            viewbox = [(s.viewbox[0], s.viewbox[1]), (s.viewbox[2], s.viewbox[3])]
        found = self._geocoder.geocode(
            query,
            exactly_one=False,
            limit=LIMIT,
            country_codes=list(s.country_codes),
            viewbox=viewbox,
            bounded=False,
            language=s.language,
            addressdetails=True,
            namedetails=True,
        )
        return [loc.raw for loc in found or []]

    def _attempt(self, query: str, attempt: int) -> tuple[list[Candidate], str]:
        self._wait_turn()
        self.requests_made += 1
        started = time.monotonic()
        outcome = "error"
        try:
            raws = self._search(query)
            candidates = [candidate_from_raw(r, self.settings.language) for r in raws]
            outcome = f"{len(candidates)} results"
            return candidates, json.dumps(raws, ensure_ascii=False, sort_keys=True)
        except GeocoderRateLimited as error:
            outcome = "429"
            raise _Retry(
                f"HTTP 429 rate limited (Retry-After {error.retry_after})", error.retry_after
            ) from None
        except GeocoderServiceError as error:  # geopy's base: HTTP status or transport
            outcome = type(error).__name__  # replaced by the reason if retryable
            outcome = self._classify(error, query)
            raise _Retry(outcome) from None
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # geopy parsed *some* JSON, but not a list of places with points.
            outcome = f"malformed answer ({error})"
            raise _Retry(outcome) from None
        finally:
            log.info(
                "nominatim GET %s q=%r attempt %d: %s in %.3f s",
                self.server,
                query,
                attempt + 1,
                outcome,
                time.monotonic() - started,
            )

    def _classify(self, error: GeocoderServiceError, query: str) -> str:
        """Return the reason for a retryable failure; raise for one that retrying won't fix."""
        cause = error.__cause__
        status = cause.status_code if isinstance(cause, AdapterHTTPError) else None
        if status == 403:
            self.banned = True
            log.warning(
                "%s answered 403 Forbidden for %r: this client is banned and will make "
                "no further requests. Check the usage policy (user agent %r, request "
                "rate) or switch GEO_NOMINATIM_DOMAIN to another server",
                self.server,
                query,
                self.settings.user_agent,
            )
            raise GeocodingBanned(
                f"{self.server} answered 403 Forbidden for {query!r}: "
                "banned; set an identifying GEO_USER_AGENT, slow down, or "
                "use another GEO_NOMINATIM_DOMAIN"
            ) from None
        if status is not None and status not in TRANSIENT_STATUS and status < 500:
            raise GeocodingError(
                f"{self.server} answered HTTP {status} for {query!r} "
                f"({error}); a retry will not help: check GEO_NOMINATIM_DOMAIN "
                "and GEO_NOMINATIM_SCHEME"
            ) from None
        if status is not None:
            return f"HTTP {status}"
        if isinstance(error, GeocoderTimedOut):
            return f"timed out after {self.settings.timeout} s"
        if isinstance(error, GeocoderParseError):
            return "unreadable body (not JSON)"
        detail = _root_cause(error)
        if isinstance(error, GeocoderUnavailable):
            return f"connection failed ({detail})"
        if type(error) is GeocoderServiceError:  # reset mid-answer, broken pipe...
            return f"transport error ({detail})"
        # Other geopy errors (query, authentication, quota) need a human, not a retry.
        raise GeocodingError(f"{self.server} rejected {query!r}: {error}") from None


def _root_cause(error: BaseException) -> str:
    """The innermost exception (e.g. ConnectionRefusedError): requests' own text repeats the URL."""
    seen = {id(error)}
    while (inner := error.__cause__ or error.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        error = inner
    return f"{type(error).__name__}: {str(error)[:160]}"


def lookup(client: NominatimClient, cache: GeocodeCache, query: str) -> list[Candidate]:
    """Cache first; otherwise ask and store the answer. Errors propagate and are not stored."""
    params = client.params()
    entry = cache.get(query, params)
    if entry is not None:
        return list(entry.candidates)
    candidates, raw = client.search_with_raw(query)
    cache.put(query, params, "found" if candidates else "not_found", candidates, raw)
    return candidates
