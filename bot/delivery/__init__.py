from bot.delivery.policy import Outcome, RetryPolicy, classify
from bot.delivery.worker import DeliveryWorker

__all__ = ["DeliveryWorker", "Outcome", "RetryPolicy", "classify"]
