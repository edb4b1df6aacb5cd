"""Which messages are meant for the bot: everything in private chats; in groups only mentions
of the bot and replies to its messages (commands are matched by PTB's CommandHandler)."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.ext import filters


def mentions_bot(message: Message, username: str | None, bot_id: int) -> bool:
    for entity in message.entities or message.caption_entities or ():
        if entity.type == MessageEntity.MENTION and username:
            if message.parse_entity(entity).lstrip("@").lower() == username.lower():
                return True
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


class _AddressedToBot(filters.MessageFilter):
    """Group messages that mention the bot or reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        return mentions_bot(message, bot.username, bot.id) or replies_to_bot(message, bot.id)


class _CommandForBot(filters.MessageFilter):
    """A ``/command@ThisBot`` in a group (bare ``/command`` may be for another bot)."""

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        username = message.get_bot().username or ""
        m = re.match(r"^/\w+@(\w+)", text)
        return bool(m and username and m.group(1).lower() == username.lower())


ADDRESSED_TO_BOT = _AddressedToBot(name="addressed_to_bot")
COMMAND_FOR_BOT = _CommandForBot(name="command_for_bot")


def strip_mention(text: str, username: str | None) -> str:
    """The question without ``@ThisBot``."""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())
