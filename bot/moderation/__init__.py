"""Corpus management from Telegram for the configured moderators (see docs/bot.md, "Moderation").

``ops`` runs the index's write API off the event loop and hot-reloads the engine, ``pending``
keeps actions awaiting confirmation on disk, ``access`` refuses everyone else, ``render`` and
``texts`` make the moderators' screens. The handlers are ``bot/handlers/mod_*.py``.
"""
