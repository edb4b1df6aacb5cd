"""The command menus (``setMyCommands``): the public one, and the moderators' in their private chats."""

from __future__ import annotations

from telegram import BotCommand

from .strings import t

COMMANDS = ("start", "help", "timeline", "sources", "subscribe", "subscriptions", "unsubscribe", "lang", "about")
MODERATOR_COMMANDS = ("add", "done", "cancel", "sources", "remove", "fix", "reindex", "status", "rollback", "feedback")


def public_menu(lang: str) -> list[BotCommand]:
    return [BotCommand(c, t(lang, f"cmd_{c}")) for c in COMMANDS]


def moderator_menu(lang: str) -> list[BotCommand]:
    """The public commands, then the moderators' (whose /sources shows ids and who added what)."""
    public = [BotCommand(c, t(lang, f"cmd_{c}")) for c in COMMANDS if c != "sources"]
    return public + [BotCommand(c, t(lang, f"mod_cmd_{c}")) for c in MODERATOR_COMMANDS]
