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
from telegram.ext import ContextTypes

from index.corpus.corrections import CorrectionError

from ..markup import esc
from ..moderation.access import moderation, moderator_only
from ..moderation.render import failure_text, fix_error_text, fixed_text
from ..moderation.texts import mt
from .common import rate_limited, user_lang


@rate_limited
@moderator_only("fix")
async def fix(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod, lang = moderation(context), user_lang(update)
    parts = (message.text or "").split(None, 3)  # "/fix", id, paragraph, the changes
    if len(parts) < 4:
        await mod.audit(user.id, "fix_refused", parts[1][:64] if len(parts) > 1 else None, "refused: usage")
        await message.reply_text(mt(lang, "fix_usage"))
        return
    source_id, paragraph, changes = parts[1], parts[2], parts[3]
    try:
        plan = await mod.check_fix(source_id, paragraph, changes, user.id)
    except CorrectionError as exc:
        await mod.audit(user.id, "fix_refused", source_id[:64], f"refused: {exc}"[:500])
        await message.reply_text(fix_error_text(exc, lang))
        return
    working = await message.reply_text(mt(lang, "working_fix", paragraph=plan.correction.paragraph,
                                          id=esc(source_id)))
    try:
        report = await mod.fix(source_id, paragraph, changes, user.id)
    except CorrectionError as exc:  # the corpus changed since the check
        await mod.audit(user.id, "fix_refused", source_id[:64], f"refused: {exc}"[:500])
        await working.edit_text(fix_error_text(exc, lang))
        return
    except Exception as exc:
        await mod.audit(user.id, "fix_failed", source_id[:64], f"failed: {exc}"[:500])
        await working.edit_text(failure_text(exc, lang))
        return
    await working.edit_text(fixed_text(report.plan, report.build.version, report.build.seconds, lang, mod.engine))
