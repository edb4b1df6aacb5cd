"""The moderators' strings, in Russian and English (HTML where marked by tags)."""

from __future__ import annotations

MOD_TEXTS: dict[str, dict[str, str]] = {
    "denied": {"ru": "Эта команда доступна только модераторам корпуса. Вопросы можно задавать обычным текстом.",
               "en": "This command is for the corpus moderators only. You can ask questions as plain text."},
    "denied_upload": {"ru": "Добавлять источники могут только модераторы. Я отвечаю на текстовые вопросы: /help.",
                      "en": "Only moderators can add sources. I answer text questions: see /help."},
    "private_only": {"ru": "Команды модератора работают только в личном чате с ботом.",
                     "en": "Moderator commands work in a private chat with the bot only."},
    "unavailable": {"ru": "Управление корпусом недоступно: бот запущен без каталога данных.",
                    "en": "Corpus management is unavailable: the bot runs without a data directory."},
    "add_prompt": {"ru": "Пришлите текст статьи следующим сообщением или файлом (.txt, .md, .html, UTF-8). "
                         "К файлу можно добавить подпись из строк «ключ: значение»: title, url, date, language. "
                         "Длинный текст можно прислать несколькими сообщениями, после последнего — /done. "
                         "/cancel — отмена.",
                   "en": "Send the article's text as your next message, or as a file (.txt, .md, .html, UTF-8). "
                         "A file may have a caption of “key: value” lines: title, url, date, language. "
                         "A long text may come in several messages: send /done after the last. /cancel aborts."},
    "cancelled": {"ru": "Отменено, ничего не изменено.", "en": "Cancelled; nothing was changed."},
    "nothing_to_cancel": {"ru": "Отменять нечего.", "en": "There is nothing to cancel."},
    "too_big": {"ru": "Файл не принят: {size} МБ, а предел — {limit} МБ. Ничего не изменено.",
                "en": "File not accepted: it is {size} MB and the limit is {limit} MB. Nothing was changed."},
    "bad_caption": {"ru": "Не удалось прочитать подпись: {reason}. Пишите строки «ключ: значение» "
                          "(title, url, date в виде ГГГГ-ММ-ДД, language: ru или en). Ничего не изменено.",
                    "en": "Could not read the caption: {reason}. Write “key: value” lines (title, url, "
                          "date as YYYY-MM-DD, language: ru or en). Nothing was changed."},
    "rejected": {"ru": "Источник не принят: {reason}. Ничего не изменено.",
                 "en": "Source not accepted: {reason}. Nothing was changed."},
    "download_failed": {"ru": "Не удалось скачать файл из Telegram. Пришлите его ещё раз.",
                        "en": "Could not download the file from Telegram. Please send it again."},
    "preview_title": {"ru": "Новый источник", "en": "New source"},
    "preview_meta": {"ru": "язык: {language}; абзацев: {paragraphs}; фрагментов: {passages}; событий с датой: {events}",
                     "en": "language: {language}; {paragraphs} paragraphs; {passages} passages; {events} dated events"},
    "preview_url": {"ru": "ссылка", "en": "link"},
    "preview_published": {"ru": "опубликовано {date}", "en": "published {date}"},
    "preview_dates": {"ru": "Даты", "en": "Dates"},
    "preview_speakers": {"ru": "Говорящие", "en": "Speakers"},
    "preview_none": {"ru": "не найдены", "en": "none found"},
    "preview_samples": {"ru": "Первые фрагменты с датой:", "en": "The first dated passages:"},
    "preview_no_samples": {"ru": "Фрагментов с датой нет: ответы будут цитировать текст без даты.",
                           "en": "No dated passages: answers will quote this text without a date."},
    "preview_ask": {"ru": "Добавить в корпус?", "en": "Add it to the corpus?"},
    "btn_add": {"ru": "✅ Добавить", "en": "✅ Add"},
    "btn_remove": {"ru": "🗑 Удалить", "en": "🗑 Remove"},
    "btn_rollback": {"ru": "↩ Откатить", "en": "↩ Roll back"},
    "btn_cancel": {"ru": "✖ Отмена", "en": "✖ Cancel"},
    "expired": {"ru": "Это подтверждение устарело: запустите действие заново.",
                "en": "This confirmation has expired: please start again."},
    "working_add": {"ru": "⏳ Добавляю «{title}» и обновляю индекс… Пока идёт обновление, бот отвечает по "
                          "текущей версии.",
                    "en": "⏳ Adding “{title}” and updating the index… Until it is done, questions are answered "
                          "from the current version."},
    "working_remove": {"ru": "⏳ Удаляю {id} и обновляю индекс…", "en": "⏳ Removing {id} and updating the index…"},
    "working_rollback": {"ru": "⏳ Откатываю индекс…", "en": "⏳ Rolling the index back…"},
    "working_reindex": {"ru": "⏳ Пересобираю индекс целиком…", "en": "⏳ Rebuilding the whole index…"},
    "added": {"ru": "✅ Источник добавлен: {title} ({id}). Версия индекса {version}: фрагментов {passages}, "
                    "новых векторов {embedded}, взято из прошлой версии {reused}; {seconds} с. "
                    "Новые вопросы уже отвечаются по ней.",
              "en": "✅ Source added: {title} ({id}). Index version {version}: {passages} passages, {embedded} "
                    "embedded, {reused} reused; {seconds} s. New questions are answered from it already."},
    "removed": {"ru": "🗑 Источник {id} удалён. Версия индекса {version}: фрагментов {passages}. "
                      "Вернуть его: /rollback.",
                "en": "🗑 Source {id} removed. Index version {version}: {passages} passages. "
                      "To bring it back: /rollback."},
    "rolled_back": {"ru": "↩ Индекс откачен на версию {version}: источников {sources}, фрагментов {passages}.",
                    "en": "↩ The index is back at version {version}: {sources} sources, {passages} passages."},
    "reindexed": {"ru": "✅ Индекс пересобран: версия {version}, фрагментов {passages}, новых векторов {embedded}, "
                        "взято из прошлой версии {reused}; {seconds} с.",
                  "en": "✅ Index rebuilt: version {version}, {passages} passages, {embedded} embedded, "
                        "{reused} reused; {seconds} s."},
    "failed": {"ru": "Не получилось: {reason}. Опубликованная версия не изменилась.",
               "en": "That did not work: {reason}. The published version is unchanged."},
    "busy": {"ru": "Индекс сейчас обновляет другой процесс. Попробуйте через минуту; ничего не изменено.",
             "en": "Another process is updating the index. Please try again in a minute; nothing was changed."},
    "remove_usage": {"ru": "Укажите id источника: /remove ID. Id есть в списке /sources.",
                     "en": "Give the source id: /remove ID. The ids are listed by /sources."},
    "remove_unknown": {"ru": "Источника {id} нет в корпусе. Id есть в списке /sources.",
                       "en": "There is no source {id} in the corpus. The ids are listed by /sources."},
    "remove_last": {"ru": "Это единственный источник: корпус не может остаться пустым.",
                    "en": "This is the only source: the corpus cannot be left empty."},
    "remove_ask": {"ru": "Удалить источник {title} ({id}, фрагментов {passages})? Ответы перестанут его "
                         "цитировать; вернуть его можно командой /rollback.",
                   "en": "Remove the source {title} ({id}, {passages} passages)? Answers will stop quoting it; "
                         "/rollback brings it back."},
    "rollback_ask": {"ru": "Откатить индекс с версии {current} на предыдущую {parent}? Вернётся и её набор "
                           "источников.",
                     "en": "Roll the index back from version {current} to the previous one, {parent}? Its set of "
                           "sources comes back with it."},
    "rollback_none": {"ru": "Предыдущей версии нет: откатывать некуда.",
                      "en": "There is no previous version to roll back to."},
    "stale": {"ru": "Индекс изменился после запроса; ничего не сделано. Запустите команду ещё раз.",
              "en": "The index changed since you asked; nothing was done. Please run the command again."},
    "sources_title": {"ru": "<b>Источники</b> ({n}), опубликована версия {version}:",
                      "en": "<b>Sources</b> ({n}), published version {version}:"},
    "sources_entry": {"ru": "фрагментов {passages}, абзацев {paragraphs}; добавлен {added}, кем: {by}",
                      "en": "{passages} passages, {paragraphs} paragraphs; added {added} by {by}"},
    "sources_unserved": {"ru": "зарегистрирован, но не входит в опубликованную версию (нужен /reindex)",
                         "en": "registered but not in the published version (run /reindex)"},
    "sources_hint": {"ru": "Удалить: /remove ID · добавить: /add или файл.",
                     "en": "Remove: /remove ID · add: /add or send a file."},
    "unknown": {"ru": "неизвестно", "en": "unknown"},
    "status_title": {"ru": "<b>Состояние</b>", "en": "<b>Status</b>"},
    "status_version": {"ru": "Версия индекса: {version} (собрана {built_at}); предыдущая: {parent}",
                       "en": "Index version: {version} (built {built_at}); previous: {parent}"},
    "status_model": {"ru": "Модель: {model}; поиск: {faiss}", "en": "Model: {model}; search: {faiss}"},
    "status_corpus": {"ru": "Источников {sources}, фрагментов {passages}, событий {events}",
                      "en": "{sources} sources, {passages} passages, {events} events"},
    "status_last": {"ru": "Последнее изменение: {change}", "en": "Last change: {change}"},
    "status_uptime": {"ru": "Бот работает {uptime}", "en": "Bot up for {uptime}"},
    "status_questions": {"ru": "С запуска: вопросов с ответом {answered}, без ответа {declined}; "
                               "медиана времени ответа {p50}",
                         "en": "Since start: {answered} questions answered, {declined} declined; "
                               "median reply time {p50}"},
    "status_none": {"ru": "нет", "en": "none"},
    "feedback_title": {"ru": "<b>Последние 👎</b>: {shown} из {total}, сначала новые",
                       "en": "<b>Recent 👎</b>: {shown} of {total}, newest first"},
    "feedback_empty": {"ru": "Отрицательных оценок пока нет.", "en": "There are no 👎 votes yet."},
    "feedback_question": {"ru": "Вопрос", "en": "Question"},
    "feedback_meta": {"ru": "пользователь {user}, версия {version}", "en": "user {user}, version {version}"},
    "feedback_no_hits": {"ru": "(цитаты не сохранены)", "en": "(no passages recorded)"},
    "fix_usage": {"ru": "Исправить абзац: /fix ID АБЗАЦ date=ГГГГ-ММ-ДД speaker=ИМЯ kind=quote|reported|commentary "
                        "(любые из трёх; none стирает значение). Id есть в списке /sources, номер абзаца — в цитате.",
                  "en": "Correct a paragraph: /fix ID PARAGRAPH date=YYYY-MM-DD speaker=NAME "
                        "kind=quote|reported|commentary (any of the three; none clears a value). The ids are listed "
                        "by /sources, the paragraph number is in the citation."},
    "fix_unknown_source": {"ru": "Источника {id} нет в корпусе. Id есть в списке /sources. Ничего не изменено.",
                           "en": "There is no source {id} in the corpus. The ids are listed by /sources. "
                                 "Nothing was changed."},
    "fix_bad_paragraph": {"ru": "Абзаца {value} нет: в источнике абзацы 1–{count}. Ничего не изменено.",
                          "en": "There is no paragraph {value}: the source has paragraphs 1–{count}. "
                                "Nothing was changed."},
    "fix_bad_date": {"ru": "Дата «{value}» не читается: пишите ГГГГ-ММ-ДД или none. Ничего не изменено.",
                     "en": "Cannot read the date “{value}”: write YYYY-MM-DD or none. Nothing was changed."},
    "fix_bad_kind": {"ru": "Неизвестный вид «{value}»: quote, reported или commentary. Ничего не изменено.",
                     "en": "Unknown kind “{value}”: use quote, reported or commentary. Nothing was changed."},
    "fix_bad_speaker": {"ru": "Имя говорящего «{value}» не подходит: до 100 символов или none. Ничего не изменено.",
                        "en": "The speaker “{value}” cannot be used: at most 100 characters, or none. "
                              "Nothing was changed."},
    "fix_unknown_key": {"ru": "Неизвестное поле «{field}»: можно date=, speaker=, kind=. Ничего не изменено.",
                        "en": "Unknown field “{field}”: use date=, speaker=, kind=. Nothing was changed."},
    "fix_duplicate_key": {"ru": "Поле «{field}» указано дважды. Ничего не изменено.",
                          "en": "The field “{field}” is given twice. Nothing was changed."},
    "working_fix": {"ru": "⏳ Исправляю абзац {paragraph} источника {id} и обновляю индекс…",
                    "en": "⏳ Correcting paragraph {paragraph} of {id} and updating the index…"},
    "fixed": {"ru": "✅ Абзац {paragraph} источника {id} исправлен. Версия индекса {version}; {seconds} с. "
                    "Вернуть как было: /rollback.",
              "en": "✅ Paragraph {paragraph} of {id} corrected. Index version {version}; {seconds} s. "
                    "To undo: /rollback."},
    "fix_field": {"ru": "{name}: {old} → {new}", "en": "{name}: {old} → {new}"},
    "fix_same": {"ru": "{name}: {old} (без изменений)", "en": "{name}: {old} (unchanged)"},
    "field_date": {"ru": "дата", "en": "date"},
    "field_speaker": {"ru": "говорящий", "en": "speaker"},
    "field_kind": {"ru": "вид", "en": "kind"},
    "kind_quote": {"ru": "цитата", "en": "quote"},
    "kind_reported": {"ru": "пересказ", "en": "reported"},
    "kind_commentary": {"ru": "комментарий", "en": "commentary"},
    "preview_paragraphs": {"ru": "Абзацы (дата · говорящий · вид); ошибку можно исправить после добавления: /fix",
                           "en": "Paragraphs (date · speaker · kind); a mistake can be corrected after adding: /fix"},
    "preview_more": {"ru": "…и ещё {n}", "en": "…and {n} more"},
    "preview_undated": {"ru": "без даты", "en": "undated"},
    "cmd_fix": {"ru": "Исправить абзац: /fix ID АБЗАЦ date= speaker= kind=",
                "en": "Correct a paragraph: /fix ID PARAGRAPH date= speaker= kind="},
    "cmd_add": {"ru": "Добавить источник", "en": "Add a source"},
    "cmd_cancel": {"ru": "Отменить добавление", "en": "Cancel adding"},
    "cmd_sources": {"ru": "Источники: id, кто и когда добавил", "en": "Sources: ids, who added them and when"},
    "cmd_remove": {"ru": "Удалить источник: /remove ID", "en": "Remove a source: /remove ID"},
    "cmd_reindex": {"ru": "Пересобрать индекс", "en": "Rebuild the index"},
    "cmd_status": {"ru": "Состояние индекса и бота", "en": "Index and bot status"},
    "cmd_rollback": {"ru": "Откатить индекс на прошлую версию", "en": "Roll the index back"},
    "cmd_feedback": {"ru": "Последние 👎", "en": "Recent 👎 votes"},
    "not_yours": {"ru": "Подтвердить или отменить может только модератор, который это начал.",
                  "en": "Only the moderator who started this can confirm or cancel it."},
    "in_progress": {"ru": "Уже выполняется…", "en": "Already in progress…"},
    "cmd_done": {"ru": "Закончить вставку текста (/add)", "en": "Finish pasting the text (/add)"},
    "paste_more": {"ru": "Получено частей: {parts} ({size} КБ). Можно прислать продолжение следующим сообщением; "
                         "/done — текст закончен.",
                   "en": "Parts received: {parts} ({size} kB). You can send the rest as further messages; "
                         "/done when the text is complete."},
    "paste_too_big": {"ru": "Эта часть не принята: с ней текст превысил бы предел {limit} МБ. "
                            "Уже полученные части сохранены: подтвердите их или /cancel.",
                      "en": "This part was not accepted: with it the text would exceed the {limit} MB limit. "
                            "The parts received so far are kept: confirm them or /cancel."},
    "paste_done": {"ru": "Текст закончен ({parts} частей, {size} КБ). Подтвердите добавление кнопкой под "
                         "предпросмотром.",
                   "en": "The text is complete ({parts} parts, {size} kB). Confirm it with the button under "
                         "the preview."},
    "paste_nothing": {"ru": "Нечего заканчивать: сначала /add и текст.", "en": "Nothing to finish: send /add and "
                                                                                   "the text first."},
}


def mt(lang: str, key: str, **values: object) -> str:
    """The moderator string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = MOD_TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def _merge_azerbaijani() -> None:
    """Azerbaijani strings live in their own table (``texts_az.py``); the strings test checks that
    every key has every language."""
    from .texts_az import MOD_TEXTS_AZ

    for key, text in MOD_TEXTS_AZ.items():
        if key in MOD_TEXTS:
            MOD_TEXTS[key].setdefault("az", text)


_merge_azerbaijani()
