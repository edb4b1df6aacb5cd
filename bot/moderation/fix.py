"""``/fix ID PARAGRAPH date=… speaker=… kind=…``: a moderator corrects what the corpus model says of
one paragraph.

The correction is checked first (unknown source, paragraph out of range, bad date, unknown
kind: a clear message, audited as ``fix_refused``, nothing changed); then it is published like
any corpus change, with a "⏳ working" message edited into the before → after of each field. No
confirm button: a correction is one paragraph, shown in full in the answer, and ``/rollback``
undoes it.
"""

from __future__ import annotations

from telegram import Update

from index.corpus.corrections import CorrectionError

from ..context import QuotebotContext
from ..markup import esc
from ..strings import t
from .gate import asker
from .render import failure_text, fix_error_text, fixed_text


async def fix(update: Update, context: QuotebotContext) -> None:
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    parts = (message.text or "").split(None, 3)  # "/fix", id, paragraph, the changes
    if len(parts) < 4:
        await mod.audit(user_id, "fix_refused", parts[1][:64] if len(parts) > 1 else None, "refused: usage")
        await message.reply_text(t(lang, "fix_usage"))
        return
    source_id, paragraph, changes = parts[1], parts[2], parts[3]
    try:
        plan = await mod.check_fix(source_id, paragraph, changes, user_id)
    except CorrectionError as exc:
        await mod.audit(user_id, "fix_refused", source_id[:64], f"refused: {exc}"[:500])
        await message.reply_text(fix_error_text(exc, lang))
        return
    working = await message.reply_text(t(lang, "working_fix", paragraph=plan.correction.paragraph, id=esc(source_id)))
    try:
        report = await mod.fix(source_id, paragraph, changes, user_id)
    except CorrectionError as exc:  # the corpus changed since the check
        await mod.audit(user_id, "fix_refused", source_id[:64], f"refused: {exc}"[:500])
        await working.edit_text(fix_error_text(exc, lang))
        return
    except Exception as exc:
        await mod.audit(user_id, "fix_failed", source_id[:64], f"failed: {exc}"[:500])
        await working.edit_text(failure_text(exc, lang))
        return
    await working.edit_text(fixed_text(report.plan, report.build.version, report.build.seconds, lang, mod.engine))
