"""Inline keyboards under answers. Pure: builds PTB data objects, sends nothing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from .callback_data import Action, Back, Confirm, Decline, Example, Full, Page, Vote, encode
from .texts import EXAMPLES, t


def _button(text: str, action: Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(action))


def vote_row(key: str, lang: str) -> list[InlineKeyboardButton]:
    return [_button(t(lang, "btn_up"), Vote(key, True)), _button(t(lang, "btn_down"), Vote(key, False))]


def answer_keyboard(key: str, offset: int, shown: int, total: int, top_k: int, lang: str) -> InlineKeyboardMarkup:
    """📖 per result (full paragraph), ◀/▶ paging through the same question, 👍/👎."""
    rows = [[_button(t(lang, "btn_full", n=offset + i + 1), Full(key, i)) for i in range(shown)]]
    nav = []
    if offset > 0:
        nav.append(_button(t(lang, "btn_prev"), Page(key, max(0, offset - top_k))))
    if offset + shown < total:
        nav.append(_button(t(lang, "btn_more"), Page(key, offset + shown)))
    if nav:
        rows.append(nav)
    rows.append(vote_row(key, lang))
    return InlineKeyboardMarkup(rows)


def paragraph_keyboard(key: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(t(lang, "btn_back"), Back(key))], vote_row(key, lang)])


def votes_keyboard(key: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([vote_row(key, lang)])


def examples_keyboard(lang: str) -> InlineKeyboardMarkup:
    examples = EXAMPLES.get(lang, EXAMPLES["en"])
    return InlineKeyboardMarkup([[_button(q, Example(lang, i))] for i, q in enumerate(examples)])


def confirm_keyboard(key: str, confirm_label: str, cancel_label: str) -> InlineKeyboardMarkup:
    """A moderator's confirm / cancel pair for the pending action ``key``."""
    return InlineKeyboardMarkup([[_button(confirm_label, Confirm(key)), _button(cancel_label, Decline(key))]])
