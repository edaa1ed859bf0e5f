from bot.store.dataset import DatasetError
from bot.store.repo import Store

__all__ = ["DatasetError", "Store"]
