"""The bot's strings in English (HTML where a string has tags): one table, one key per string.

Every language module has the same keys (tests/bot/test_strings.py fails otherwise). Quotes from
the corpus are never translated.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "start": (
        "I answer questions about Azerbaijan–US relations <b>with quotes only</b>, taken from a corpus "
        "of documents, each with its date, speaker and source. I never make text up.\n\nType a "
        "question or tap an example:"
    ),
    "help": (
        "<b>How to ask.</b> Type a question, e.g. “What did Trump write for Novruz?” or “Phone call 25 "
        "November 2024”. You may name a month, a year or a person.\n\nUnder an answer: <b>More</b> "
        "shows further quotes, 📖 the whole paragraph, 👍/👎 rates it, ↗ shares the quote.\n\n/timeline — "
        "chronology of contacts (a picture; <code>/timeline 2025</code>, <code>/timeline "
        "Trump</code>)\n/sources — what the corpus contains\n/subscribe — new quotes when a source is "
        "added (<code>/subscribe Trump</code>)\n/lang — interface language\n/about — how answers are "
        "made\n\nIn any chat: <code>@{username} question</code>. In groups I answer commands, mentions "
        "and replies to my messages."
    ),
    "about": (
        "<b>How answers are made.</b> The bot looks up the corpus passages closest to the question in "
        "meaning and wording and shows them verbatim: the date of the event, the speaker, the occasion "
        "and the source with its paragraph number. There is no generated text — quotes only. When the "
        "corpus has no answer, the bot says so.\n\nQuotes stay in their original language. Reported "
        "speech and the author's commentary are marked as such. 👍/👎 votes are stored with the question "
        "so moderators can improve the search."
    ),
    "results": "Results {first}–{last} of {total} for “{query}”",
    "period": "period: {value}",
    "speaker": "speaker: {value}",
    "no_date": "undated",
    "kind_reported": "reported speech",
    "kind_commentary": "author's commentary",
    "continued": "continued",
    "source": "Source",
    "paragraph_one": "paragraph {n}",
    "paragraph_many": "paragraphs {first}–{last}",
    "not_covered": (
        "The corpus has no quotes that answer this question. Try rephrasing it, see /help or the "
        "chronology of contacts: /timeline."
    ),
    "empty": "Please type a question, e.g. “What did Trump write for Novruz?”",
    "too_long": "The question is too long. Please shorten it to a sentence or two.",
    "bad_input": "I could not read that question. Please type it as plain text.",
    "btn_more": "More ▶",
    "btn_prev": "◀ Back",
    "btn_full": "📖 {n}",
    "btn_back": "◀ Back to results",
    "btn_up": "👍",
    "btn_down": "👎",
    "vote_thanks": "Thanks for the feedback!",
    "expired": "This button has expired. Please ask again.",
    "no_more": "No more results.",
    "same_page": "Already shown.",
    "rate_limited": "That is a lot of questions at once. Please wait a moment and ask again.",
    "error": "Something went wrong. Please try again in a moment.",
    "unsupported": "I only understand text questions. Please type your question or see /help.",
    "edited": "I answer new messages only. Please send the corrected question again.",
    "unknown_command": "I don't know that command. See /help.",
    "timeline_header": "<b>Chronology of contacts</b> (from the corpus, {n}):",
    "timeline_empty": "The corpus has no dated events yet.",
    "sources_header": "<b>Corpus</b>: {sources} sources, {passages} passages.",
    "sources_version": "Index version {version}, built {built_at}.",
    "source_line": "{title} — {language}, {paragraphs} paragraphs, {passages} passages",
    "source_published": "published {date}",
    "paragraph_title": "Full text",
    "paragraph_missing": "That paragraph is not in the current version of the corpus.",
    "inline_empty": "Nothing found",
    "cmd_start": "What this bot does",
    "cmd_help": "How to ask",
    "cmd_timeline": "Chronology of contacts",
    "cmd_sources": "What the corpus contains",
    "cmd_about": "How answers are made",
    "local_intro": (
        "TELEGRAM_BOT_TOKEN is not set, so the bot does not connect to Telegram.\nLocal chat: type "
        "questions and get the same answers as in Telegram. Commands: /help, /timeline [filter] (the "
        "picture is saved to a file), /sources, /about, /lang ru|en|az, /more (next results), /full N "
        "(whole paragraph of result N), /quit."
    ),
    "local_nothing": "Ask a question first.",
    "local_no_result": "Results {first}–{last} are shown: give one of those numbers.",
    "cmd_lang": "Interface language",
    "cmd_subscribe": "Subscribe to new quotes",
    "cmd_subscriptions": "My subscriptions",
    "cmd_unsubscribe": "Unsubscribe",
    "lang_prompt": "Choose the interface language:",
    "lang_set": "Done: the interface is in English. Quotes stay in their original language.",
    "lang_unknown": "No such language. Available: ru, en, az.",
    "btn_lang_ru": "🇷🇺 Русский",
    "btn_lang_en": "🇬🇧 English",
    "btn_lang_az": "🇦🇿 Azərbaycanca",
    "btn_share": "↗ Share",
    "btn_open": "🔗 Open in the bot",
    "reopen_missing": "This answer is no longer stored. Please ask again.",
    "reopened": "The answer to “{query}”",
    "timeline_title": "Azerbaijan–US contacts over time",
    "timeline_caption": "<b>Chronology of contacts</b>: {n} events, {period}.",
    "timeline_filter": "Filter: “{value}”.",
    "timeline_no_match": "No events match “{value}”. Try a year (/timeline 2025) or a name (/timeline Trump).",
    "timeline_occasion": "Occasion",
    "timeline_other": "Others",
    "timeline_saved": "Picture saved: {path}",
    "sub_done": (
        "Subscribed: {topic}. When moderators add a new source, I will send you its best dated quotes "
        "on this topic. /subscriptions lists yours, /unsubscribe cancels."
    ),
    "sub_exists": "You are already subscribed: {topic}.",
    "sub_everything": "all new quotes",
    "sub_too_many": "You can follow at most {n} topics. Drop one first: /unsubscribe topic.",
    "sub_bad_topic": "The topic is too long: {n} characters at most.",
    "subs_header": "<b>Your subscriptions</b>:",
    "subs_none": "No subscriptions. /subscribe for all new quotes, /subscribe Trump for one topic.",
    "unsub_done": "Unsubscribed: {topic}.",
    "unsub_all": "All subscriptions cancelled ({n}).",
    "unsub_missing": "No such subscription. Yours: /subscriptions.",
    "digest_header": "🆕 <b>New source in the corpus</b>: {title}",
    "digest_topic": "For your subscription “{topic}”:",
    "digest_everything": "New dated events:",
    "digest_footer": "Subscriptions: /subscriptions · cancel: /unsubscribe",
    "occasion_phone_call": "phone call",
    "occasion_interview": "interview",
    "occasion_social_post": "social media post",
    "occasion_letter": "letter",
    "occasion_forum_speech": "forum speech",
    "occasion_meeting": "meeting",
    "occasion_statement": "statement",
    "occasion_commentary": "author's commentary",
}

EXAMPLES: tuple[str, ...] = (
    "What did Aliyev write to Trump after his election?",
    "What did Trump write for Novruz?",
)
MONTHS_GENITIVE: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
MONTHS_NOMINATIVE: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
LANGUAGE_NAMES: dict[str, str] = {"ru": "Russian", "en": "English", "az": "Azerbaijani"}
