"""Every string the bot says, in Russian and English. Quotes are never translated."""

from __future__ import annotations

LANGS = ("ru", "en")

TEXTS: dict[str, dict[str, str]] = {
    "start": {
        "ru": (
            "Я отвечаю на вопросы об азербайджано-американских отношениях <b>только цитатами</b> "
            "из корпуса документов: с датой, автором и ссылкой на источник. Я ничего не сочиняю.\n\n"
            "Напишите вопрос обычным текстом или нажмите на пример:"
        ),
        "en": (
            "I answer questions about Azerbaijan–US relations <b>with quotes only</b>, taken from "
            "a corpus of documents, each with its date, speaker and source. I never make text up.\n\n"
            "Type a question or tap an example:"
        ),
    },
    "help": {
        "ru": (
            "<b>Как спрашивать.</b> Напишите вопрос, например «Что Трамп писал о Новрузе?» или "
            "«Звонок 25 ноября 2024». Можно указать месяц, год или имя.\n\n"
            "Под ответом: <b>Ещё</b> — следующие цитаты, 📖 — весь абзац, 👍/👎 — оценка ответа.\n\n"
            "/timeline — хронология контактов\n/sources — что есть в корпусе\n"
            "/about — как составляются ответы\n\n"
            "В любом чате: <code>@{username} вопрос</code>. В группах я отвечаю на команды, "
            "упоминания и ответы на мои сообщения."
        ),
        "en": (
            "<b>How to ask.</b> Type a question, e.g. “What did Trump write for Novruz?” or "
            "“Phone call 25 November 2024”. You may name a month, a year or a person.\n\n"
            "Under an answer: <b>More</b> shows further quotes, 📖 the whole paragraph, 👍/👎 rates it.\n\n"
            "/timeline — chronology of contacts\n/sources — what the corpus contains\n"
            "/about — how answers are made\n\n"
            "In any chat: <code>@{username} question</code>. In groups I answer commands, "
            "mentions and replies to my messages."
        ),
    },
    "about": {
        "ru": (
            "<b>Как составляются ответы.</b> Бот ищет в корпусе фрагменты, ближайшие к вопросу по "
            "смыслу и по словам, и показывает их дословно: дата события, кто говорит, повод и "
            "источник с номером абзаца. Сгенерированного текста нет — только цитаты. Если в "
            "корпусе нет ответа, бот так и скажет.\n\n"
            "Цитаты приводятся на языке оригинала. Пересказ (косвенная речь) и авторский "
            "комментарий помечены отдельно. Оценки 👍/👎 сохраняются вместе с вопросом, чтобы "
            "модераторы могли улучшить поиск."
        ),
        "en": (
            "<b>How answers are made.</b> The bot looks up the corpus passages closest to the "
            "question in meaning and wording and shows them verbatim: the date of the event, the "
            "speaker, the occasion and the source with its paragraph number. There is no generated "
            "text — quotes only. When the corpus has no answer, the bot says so.\n\n"
            "Quotes stay in their original language. Reported speech and the author's commentary "
            "are marked as such. 👍/👎 votes are stored with the question so moderators can "
            "improve the search."
        ),
    },
    "results": {"ru": "Результаты {first}–{last} из {total} по запросу «{query}»",
                "en": "Results {first}–{last} of {total} for “{query}”"},
    "period": {"ru": "период: {value}", "en": "period: {value}"},
    "speaker": {"ru": "кто: {value}", "en": "speaker: {value}"},
    "no_date": {"ru": "без даты", "en": "undated"},
    "kind_reported": {"ru": "пересказ", "en": "reported speech"},
    "kind_commentary": {"ru": "комментарий автора", "en": "author's commentary"},
    "continued": {"ru": "продолжение", "en": "continued"},
    "source": {"ru": "Источник", "en": "Source"},
    "paragraph_one": {"ru": "абзац {n}", "en": "paragraph {n}"},
    "paragraph_many": {"ru": "абзацы {first}–{last}", "en": "paragraphs {first}–{last}"},
    "not_covered": {
        "ru": ("В корпусе нет цитат, отвечающих на этот вопрос. Попробуйте сформулировать иначе, "
               "загляните в /help или в хронологию контактов: /timeline."),
        "en": ("The corpus has no quotes that answer this question. Try rephrasing it, see /help "
               "or the chronology of contacts: /timeline."),
    },
    "empty": {"ru": "Напишите вопрос словами, например: «Что Трамп писал о Новрузе?»",
              "en": "Please type a question, e.g. “What did Trump write for Novruz?”"},
    "too_long": {"ru": "Вопрос слишком длинный. Сократите его до пары предложений.",
                 "en": "The question is too long. Please shorten it to a sentence or two."},
    "bad_input": {"ru": "Не получилось разобрать вопрос. Напишите его обычным текстом.",
                  "en": "I could not read that question. Please type it as plain text."},
    "btn_more": {"ru": "Ещё ▶", "en": "More ▶"},
    "btn_prev": {"ru": "◀ Назад", "en": "◀ Back"},
    "btn_full": {"ru": "📖 {n}", "en": "📖 {n}"},
    "btn_back": {"ru": "◀ К результатам", "en": "◀ Back to results"},
    "btn_up": {"ru": "👍", "en": "👍"},
    "btn_down": {"ru": "👎", "en": "👎"},
    "vote_thanks": {"ru": "Спасибо за оценку!", "en": "Thanks for the feedback!"},
    "expired": {"ru": "Эта кнопка устарела. Задайте вопрос заново.",
                "en": "This button has expired. Please ask again."},
    "no_more": {"ru": "Больше результатов нет.", "en": "No more results."},
    "same_page": {"ru": "Это уже показано.", "en": "Already shown."},
    "rate_limited": {
        "ru": "Слишком много запросов подряд. Пожалуйста, подождите немного и спросите снова.",
        "en": "That is a lot of questions at once. Please wait a moment and ask again.",
    },
    "error": {"ru": "Что-то пошло не так. Пожалуйста, попробуйте ещё раз чуть позже.",
              "en": "Something went wrong. Please try again in a moment."},
    "unsupported": {"ru": "Я понимаю только текстовые вопросы. Напишите вопрос словами или откройте /help.",
                    "en": "I only understand text questions. Please type your question or see /help."},
    "edited": {"ru": "Я отвечаю на новые сообщения. Отправьте исправленный вопрос ещё раз.",
               "en": "I answer new messages only. Please send the corrected question again."},
    "unknown_command": {"ru": "Такой команды нет. Список команд: /help.",
                        "en": "I don't know that command. See /help."},
    "timeline_header": {"ru": "<b>Хронология контактов</b> (по корпусу, {n}):",
                        "en": "<b>Chronology of contacts</b> (from the corpus, {n}):"},
    "timeline_empty": {"ru": "В корпусе пока нет датированных событий.",
                       "en": "The corpus has no dated events yet."},
    "sources_header": {"ru": "<b>Корпус</b>: источников — {sources}, фрагментов — {passages}.",
                       "en": "<b>Corpus</b>: {sources} sources, {passages} passages."},
    "sources_version": {"ru": "Версия индекса {version}, собрана {built_at}.",
                        "en": "Index version {version}, built {built_at}."},
    "source_line": {"ru": "{title} — {language}, абзацев: {paragraphs}, фрагментов: {passages}",
                    "en": "{title} — {language}, {paragraphs} paragraphs, {passages} passages"},
    "source_published": {"ru": "опубликовано {date}", "en": "published {date}"},
    "paragraph_title": {"ru": "Полный текст", "en": "Full text"},
    "paragraph_missing": {"ru": "Этого абзаца нет в текущей версии корпуса.",
                          "en": "That paragraph is not in the current version of the corpus."},
    "inline_empty": {"ru": "Ничего не найдено", "en": "Nothing found"},
    "cmd_start": {"ru": "Что умеет бот", "en": "What this bot does"},
    "cmd_help": {"ru": "Как задавать вопросы", "en": "How to ask"},
    "cmd_timeline": {"ru": "Хронология контактов", "en": "Chronology of contacts"},
    "cmd_sources": {"ru": "Что есть в корпусе", "en": "What the corpus contains"},
    "cmd_about": {"ru": "Как составляются ответы", "en": "How answers are made"},
    "local_intro": {
        "ru": ("TELEGRAM_BOT_TOKEN не задан, поэтому бот не подключается к Telegram.\n"
               "Локальный чат: пишите вопросы, ответы те же, что в Telegram. Команды: /help, "
               "/timeline, /sources, /about, /more (следующие результаты), /full N (весь абзац "
               "результата N), /quit."),
        "en": ("TELEGRAM_BOT_TOKEN is not set, so the bot does not connect to Telegram.\n"
               "Local chat: type questions and get the same answers as in Telegram. Commands: "
               "/help, /timeline, /sources, /about, /more (next results), /full N (whole paragraph "
               "of result N), /quit."),
    },
    "local_nothing": {"ru": "Сначала задайте вопрос.", "en": "Ask a question first."},
    "local_no_result": {"ru": "Сейчас показаны результаты {first}–{last}: укажите номер из них.",
                        "en": "Results {first}–{last} are shown: give one of those numbers."},
}

EXAMPLES: dict[str, tuple[str, ...]] = {
    "ru": ("Что Алиев написал Трампу после его избрания?", "Что Трамп писал ко Дню независимости Азербайджана?"),
    "en": ("What did Aliyev write to Trump after his election?", "What did Trump write for Novruz?"),
}

MONTHS_GENITIVE = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
MONTHS_NOMINATIVE = {
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
           "октябрь", "ноябрь", "декабрь"),
    "en": MONTHS_GENITIVE["en"],
}
LANGUAGE_NAMES = {
    "ru": {"ru": "русский", "en": "английский"},
    "en": {"ru": "Russian", "en": "English"},
}


def lang_of(language_code: str | None) -> str:
    """Telegram's ``language_code`` to the bot's language: ru → Russian, anything else → English."""
    if language_code and language_code.lower().split("-")[0] == "ru":
        return "ru"
    return "en"


def t(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
