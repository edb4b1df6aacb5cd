"""Inline keyboards under answers. Pure: builds PTB data objects, sends nothing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from .callback_data import Action, Back, Confirm, Decline, Example, Full, Lang, Page, Vote, encode
from .strings import examples, t

SHARE_QUERY_CHARS = 256  # Telegram's limit for an inline query


def _button(text: str, action: Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(action))


def vote_row(key: str, lang: str) -> list[InlineKeyboardButton]:
    return [_button(t(lang, "btn_up"), Vote(key, True)), _button(t(lang, "btn_down"), Vote(key, False))]


def share_button(question: str, lang: str) -> InlineKeyboardButton:
    """Opens inline mode in a chat the user picks with the question typed in, so the quote card
    can be posted anywhere (``switch_inline_query``)."""
    return InlineKeyboardButton(t(lang, "btn_share"), switch_inline_query=question[:SHARE_QUERY_CHARS])


def deep_link(username: str, key: str) -> str:
    """``t.me/<bot>?start=<key>``: opens the bot and shows the stored answer ``key`` again."""
    return f"https://t.me/{username}?start={key}"


def answer_keyboard(
    key: str, offset: int, shown: int, total: int, top_k: int, lang: str, share: str | None = None
) -> InlineKeyboardMarkup:
    """📖 per result (full paragraph), ◀/▶ paging through the same question, 👍/👎, ↗ share."""
    rows = [[_button(t(lang, "btn_full", n=offset + i + 1), Full(key, i)) for i in range(shown)]]
    nav = []
    if offset > 0:
        nav.append(_button(t(lang, "btn_prev"), Page(key, max(0, offset - top_k))))
    if offset + shown < total:
        nav.append(_button(t(lang, "btn_more"), Page(key, offset + shown)))
    if nav:
        rows.append(nav)
    votes = vote_row(key, lang)
    if share:
        votes.append(share_button(share, lang))
    rows.append(votes)
    return InlineKeyboardMarkup(rows)


def shared_keyboard(key: str, lang: str, username: str | None) -> InlineKeyboardMarkup:
    """Under a quote card posted through inline mode: 👍/👎 and a link that reopens it in the bot."""
    rows = [vote_row(key, lang)]
    if username:
        rows.append([InlineKeyboardButton(t(lang, "btn_open"), url=deep_link(username, key))])
    return InlineKeyboardMarkup(rows)


def language_keyboard(langs: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One button per interface language, each labelled in its own language."""
    return InlineKeyboardMarkup([[_button(t(code, f"btn_lang_{code}"), Lang(code)) for code in langs]])


def paragraph_keyboard(key: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(t(lang, "btn_back"), Back(key))], vote_row(key, lang)])


def votes_keyboard(key: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([vote_row(key, lang)])


def examples_keyboard(lang: str) -> InlineKeyboardMarkup:
    shown = examples(lang)
    return InlineKeyboardMarkup([[_button(q, Example(lang, i))] for i, q in enumerate(shown)])


def confirm_keyboard(key: str, confirm_label: str, cancel_label: str) -> InlineKeyboardMarkup:
    """A moderator's confirm / cancel pair for the pending action ``key``."""
    return InlineKeyboardMarkup([[_button(confirm_label, Confirm(key)), _button(cancel_label, Decline(key))]])
