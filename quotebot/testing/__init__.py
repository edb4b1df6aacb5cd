"""The test kit that the tests, the benchmarks and the Docker smoke run share: a fake Telegram Bot
API server (:mod:`.fake_telegram`) with Telegram's HTML rules (:mod:`.telegram_html`), the bot's
start and stop as ``run_polling`` does them inside a running event loop (:mod:`.running`), a
moderator's uploads and button presses (:mod:`.moderator`), and a mutable copy of a corpus with
what a test reads back from it (:mod:`.corpus`).

Why here, in the installed ``quotebot`` package, and not in ``tests/`` or ``bot/``: the benchmarks
(``bench/``) and ``docker/smoke.py`` drive the real bot through the fake server too, and they import
only installed code, never ``tests/``. It is not in ``bot/`` because the fake plays Telegram, the
other side of the bot's edge: the bot must never depend on it, and serving never imports it.
``quotebot`` is the composition root of ``index`` and ``bot``, so a kit that drives both belongs to it.

:mod:`.fake_telegram` needs ``aiohttp`` (the ``dev`` extra); nothing here is imported at serving time,
and the Docker image leaves this folder out (``.dockerignore``).
"""
