"""Per-API-key rate limit with the `limits` package: in memory, or shared through Redis."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import structlog
from limits import parse, storage, strategies

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float

    def headers(self) -> dict[str, str]:
        now = time.time()
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.reset_at - now)))
        return headers


class RateLimiter:
    """A moving window per key, so bursts at a window edge cannot double the limit."""

    def __init__(self, spec: str, redis_url: str | None = None) -> None:
        self.item = parse(spec)
        uri = redis_url or "memory://"
        self.storage = storage.storage_from_string(uri)
        self.strategy = strategies.MovingWindowRateLimiter(self.storage)

    def hit(self, key: str) -> Verdict:
        try:
            allowed = self.strategy.hit(self.item, "apikey", key)
            reset, remaining = self.strategy.get_window_stats(self.item, "apikey", key)
        except Exception:
            log.warning("rate_limit_storage_unavailable", exc_info=True)
            return Verdict(True, self.item.amount, self.item.amount, time.time() + 60)
        return Verdict(allowed, self.item.amount, max(0, remaining), float(reset))
