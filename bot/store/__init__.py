"""All the SQL the bot runs: the connection, the migrations, one repository per file, and the
:class:`Store` that holds them."""

from bot.store.facade import Store

__all__ = ["Store"]
