"""Questions in people's own words → what the bot knows. Knows nothing of aiogram or SQL.

- :mod:`bot.search.text`: normalization, transliteration, the matching skeleton;
- :mod:`bot.search.stemming`: Snowball for Russian and English, light strippers for Kazakh
  and Belarusian;
- :mod:`bot.search.analysis`: words → matching keys, for the data and for questions;
- :mod:`bot.search.fuzzy`: typo tolerance over the vocabulary of indexed keys;
- :mod:`bot.search.concepts`: synonyms and intent words from ``data/concepts.toml``;
- :mod:`bot.search.classifier`: concept matches + full-text hits → a decision;
- :mod:`bot.search.index`: the items of the dataset and the published facts as index rows;
- :mod:`bot.search.engine`: :class:`~bot.search.engine.SearchEngine`, question → decision,
  keeping in step with the index's version;
- :mod:`bot.search.protocol`: what the store implements (``SearchIndex``) and calls
  (``Indexer``); the store takes nothing else from here.

The store's :class:`~bot.store.search.SearchRepo` keeps the index in SQLite (FTS5).
"""

from bot.search.model import Candidate, Decision, Direction, Intent, Target, TargetKind

__all__ = ["Candidate", "Decision", "Direction", "Intent", "Target", "TargetKind"]
