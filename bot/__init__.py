"""Telegram front end of quotebot: answers questions with dated, attributed corpus quotes.

Entry point for the CLI is :func:`bot.app.run_from_cli`; :func:`bot.app.build_application`
builds the python-telegram-bot ``Application`` for a config and an opened engine.
"""
