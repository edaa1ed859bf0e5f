"""Prometheus metrics, in a registry of the bot's own (tests build many bots in one process)."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.domain.models import DeliveryState


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "bot_updates_total", "Updates handled, by type", ["type"], registry=self.registry
        )
        self.latency = Histogram(
            "bot_handler_seconds",
            "Time from update to handled, by type",
            ["type"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.errors = Counter(
            "bot_errors_total", "Updates whose handling raised, by type", ["type"], registry=self.registry
        )
        self.throttled = Counter(
            "bot_throttled_total", "Updates dropped by flood control", registry=self.registry
        )
        self.deliveries = Gauge("bot_deliveries", "Outbox rows by state", ["state"], registry=self.registry)

    def render(self, outbox: Mapping[DeliveryState, int]) -> bytes:
        """The text exposition, with the outbox counts given (read fresh by the caller)."""
        for state, count in outbox.items():
            self.deliveries.labels(state=state.value).set(count)
        return generate_latest(self.registry)
