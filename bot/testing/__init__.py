"""Tools for trying the bot without Telegram: shared by tests/, bench/ and ``python -m bot chat``.

- :mod:`bot.testing.session`, :mod:`bot.testing.client`: a Bot API session that records every
  call and answers it locally (getChatMember and getChat as a test sets them:
  ``session.set_member``, ``session.add_chat``), and a user who talks to the real Dispatcher
  through it (in a group, mentioning the bot, replying to it, as an anonymous admin,
  forwarding a channel's post, adding or removing the bot: ``client.membership``);
- :mod:`bot.testing.telegram_html`, :mod:`bot.testing.limits`, :mod:`bot.testing.checks`: what
  Telegram accepts (HTML, lengths in UTF-16 units, 64-byte callback data), checked strictly;
- :mod:`bot.testing.standin`: a local HTTP stand-in for the Bot API on 127.0.0.1, for the bot
  run as a process;
- :mod:`bot.testing.process`, :mod:`bot.testing.settings`: ``python -m bot ...`` as a process,
  its environment, and Settings for a bot that never reaches Telegram.

Production code imports none of this (``bot/chat.py``, the terminal chat, aside).
"""
