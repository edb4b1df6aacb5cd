"""The bot's strings in Azerbaijani (HTML where a string has tags): one table, one key per string.

Every language module has the same keys (tests/bot/test_strings.py fails otherwise). Quotes from
the corpus are never translated.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "start": (
        "Azərbaycan–ABŞ münasibətləri haqqında suallara <b>yalnız sitatlarla</b> cavab verirəm: "
        "sənədlər korpusundan, tarixi, müəllifi və mənbəsi ilə. Heç nə uydurmuram.\n\nSualı adi mətnlə "
        "yazın və ya nümunəyə toxunun:"
    ),
    "help": (
        "<b>Necə soruşmalı.</b> Sualı yazın, məsələn, «Tramp Novruz bayramı ilə bağlı nə yazıb?» və ya "
        "«Əliyev Trampa nə vaxt zəng edib?». İli və ya adı göstərə bilərsiniz.\n\nCavabın altında: "
        "<b>Daha</b> — növbəti sitatlar, 📖 — bütöv abzas, 👍/👎 — cavabın qiymətləndirilməsi, ↗ — sitatı "
        "paylaşmaq.\n\n/timeline — təmasların xronologiyası (şəkil; <code>/timeline 2025</code>, "
        "<code>/timeline Tramp</code>)\n/sources — korpusda nə var\n/subscribe — korpusa mənbə əlavə "
        "olunanda yeni sitatlar (<code>/subscribe Tramp</code>)\n/lang — interfeys dili\n/about — "
        "cavablar necə hazırlanır\n\nİstənilən çatda: <code>@{username} sual</code>. Qruplarda "
        "əmrlərə, adımın çəkildiyi mesajlara və mesajlarıma verilən cavablara cavab verirəm."
    ),
    "about": (
        "<b>Cavablar necə hazırlanır.</b> Bot korpusda suala məna və sözlərə görə ən yaxın "
        "fraqmentləri tapır və onları olduğu kimi göstərir: hadisənin tarixi, kim danışır, münasibət "
        "və abzas nömrəsi ilə mənbə. Yaradılmış mətn yoxdur — yalnız sitatlar. Korpusda cavab "
        "yoxdursa, bot bunu deyir.\n\nSitatlar orijinal dildə verilir. Nəql (dolayı nitq) və müəllif "
        "şərhi ayrıca qeyd olunur. 👍/👎 qiymətləri sualla birlikdə saxlanılır ki, moderatorlar axtarışı "
        "yaxşılaşdıra bilsinlər."
    ),
    "results": "«{query}» sorğusu üzrə {total} nəticədən {first}–{last}",
    "period": "dövr: {value}",
    "speaker": "kim: {value}",
    "no_date": "tarixsiz",
    "kind_reported": "nəql",
    "kind_commentary": "müəllif şərhi",
    "continued": "davamı",
    "source": "Mənbə",
    "paragraph_one": "abzas {n}",
    "paragraph_many": "abzaslar {first}–{last}",
    "not_covered": (
        "Korpusda bu suala cavab verən sitat yoxdur. Sualı başqa cür yazın, /help bölməsinə və ya "
        "təmasların xronologiyasına baxın: /timeline."
    ),
    "empty": "Sualı sözlərlə yazın, məsələn: «Tramp Novruz haqqında nə yazıb?»",
    "too_long": "Sual çox uzundur. Onu bir-iki cümləyə qədər qısaldın.",
    "bad_input": "Sualı oxuya bilmədim. Onu adi mətnlə yazın.",
    "btn_more": "Daha ▶",
    "btn_prev": "◀ Geri",
    "btn_full": "📖 {n}",
    "btn_back": "◀ Nəticələrə",
    "btn_up": "👍",
    "btn_down": "👎",
    "vote_thanks": "Qiymət üçün təşəkkürlər!",
    "expired": "Bu düymənin vaxtı keçib. Sualı yenidən verin.",
    "no_more": "Başqa nəticə yoxdur.",
    "same_page": "Bu artıq göstərilib.",
    "rate_limited": "Ardıcıl çox sorğu göndərildi. Bir az gözləyin və yenidən soruşun.",
    "error": "Nəsə alınmadı. Bir azdan yenidən cəhd edin.",
    "unsupported": "Yalnız mətn suallarını başa düşürəm. Sualı sözlərlə yazın və ya /help bölməsinə baxın.",
    "edited": "Yalnız yeni mesajlara cavab verirəm. Düzəldilmiş sualı yenidən göndərin.",
    "unknown_command": "Belə əmr yoxdur. Əmrlərin siyahısı: /help.",
    "timeline_header": "<b>Təmasların xronologiyası</b> (korpus üzrə, {n}):",
    "timeline_empty": "Korpusda hələ tarixli hadisə yoxdur.",
    "sources_header": "<b>Korpus</b>: mənbələr — {sources}, fraqmentlər — {passages}.",
    "sources_version": "İndeks versiyası {version}, yığılıb: {built_at}.",
    "source_line": "{title} — {language}, abzaslar: {paragraphs}, fraqmentlər: {passages}",
    "source_published": "dərc olunub: {date}",
    "paragraph_title": "Tam mətn",
    "paragraph_missing": "Bu abzas korpusun cari versiyasında yoxdur.",
    "inline_empty": "Heç nə tapılmadı",
    "cmd_start": "Bot nə edə bilir",
    "cmd_help": "Necə sual vermək",
    "cmd_timeline": "Təmasların xronologiyası",
    "cmd_sources": "Korpusda nə var",
    "cmd_about": "Cavablar necə hazırlanır",
    "local_intro": (
        "TELEGRAM_BOT_TOKEN təyin olunmayıb, ona görə bot Telegram-a qoşulmur.\nYerli çat: sualları "
        "yazın, cavablar Telegram-dakı ilə eynidir. Əmrlər: /help, /timeline [filtr] (şəkil fayla "
        "yazılır), /sources, /about, /lang ru|en|az, /more (növbəti nəticələr), /full N (N nəticəsinin "
        "bütöv abzası), /quit."
    ),
    "local_nothing": "Əvvəlcə sual verin.",
    "local_no_result": "Hazırda {first}–{last} nəticələri göstərilir: onlardan birinin nömrəsini yazın.",
    "cmd_lang": "İnterfeys dili",
    "cmd_subscribe": "Yeni sitatlara abunə olmaq",
    "cmd_subscriptions": "Abunəliklərim",
    "cmd_unsubscribe": "Abunəliyi ləğv etmək",
    "lang_prompt": "İnterfeys dilini seçin:",
    "lang_set": "Hazırdır: interfeys Azərbaycan dilindədir. Sitatlar orijinal dildə qalır.",
    "lang_unknown": "Belə dil yoxdur. Mövcud dillər: ru, en, az.",
    "btn_lang_ru": "🇷🇺 Русский",
    "btn_lang_en": "🇬🇧 English",
    "btn_lang_az": "🇦🇿 Azərbaycanca",
    "btn_share": "↗ Paylaş",
    "btn_open": "🔗 Botda aç",
    "reopen_missing": "Bu cavab artıq saxlanılmır. Sualı yenidən verin.",
    "reopened": "«{query}» sualının cavabı",
    "timeline_title": "Azərbaycan — ABŞ təmaslarının xronologiyası",
    "timeline_caption": "<b>Təmasların xronologiyası</b>: {n} hadisə, {period}.",
    "timeline_filter": "Filtr: «{value}».",
    "timeline_no_match": (
        "«{value}» filtrinə uyğun hadisə yoxdur. İli (/timeline 2025) və ya adı (/timeline Tramp) "
        "yoxlayın."
    ),
    "timeline_occasion": "Münasibət",
    "timeline_other": "Digərləri",
    "timeline_saved": "Şəkil saxlanıldı: {path}",
    "sub_done": (
        "Abunə oldunuz: {topic}. Moderatorlar yeni mənbə əlavə edəndə ondan bu mövzu üzrə ən yaxşı "
        "tarixli sitatları göndərəcəyəm. /subscriptions — abunəlikləriniz, /unsubscribe — ləğv etmək."
    ),
    "sub_exists": "Siz artıq abunəsiniz: {topic}.",
    "sub_everything": "bütün yeni sitatlar",
    "sub_too_many": "Ən çoxu {n} mövzuya abunə olmaq olar. Əvvəlcə birini ləğv edin: /unsubscribe mövzu.",
    "sub_bad_topic": "Mövzu çox uzundur: ən çoxu {n} simvol.",
    "subs_header": "<b>Abunəlikləriniz</b>:",
    "subs_none": "Abunəlik yoxdur. /subscribe — bütün yeni sitatlar, /subscribe Tramp — yalnız mövzu üzrə.",
    "unsub_done": "Abunəlik ləğv olundu: {topic}.",
    "unsub_all": "Bütün abunəliklər ləğv olundu ({n}).",
    "unsub_missing": "Belə abunəlik yoxdur. Abunəlikləriniz: /subscriptions.",
    "digest_header": "🆕 <b>Korpusda yeni mənbə</b>: {title}",
    "digest_topic": "«{topic}» abunəliyiniz üzrə:",
    "digest_everything": "Yeni tarixli hadisələr:",
    "digest_footer": "Abunəliklər: /subscriptions · ləğv etmək: /unsubscribe",
    "occasion_phone_call": "telefon danışığı",
    "occasion_interview": "müsahibə",
    "occasion_social_post": "sosial şəbəkə paylaşımı",
    "occasion_letter": "məktub",
    "occasion_forum_speech": "forumda çıxış",
    "occasion_meeting": "görüş",
    "occasion_statement": "bəyanat",
    "occasion_commentary": "müəllif şərhi",
}

EXAMPLES: tuple[str, ...] = (
    "Əliyev seçkidən sonra Trampa nə yazıb?",
    "Tramp Novruz bayramı ilə bağlı nə yazıb?",
)
MONTHS_GENITIVE: tuple[str, ...] = (
    "yanvar", "fevral", "mart", "aprel", "may", "iyun",
    "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr",
)
MONTHS_NOMINATIVE: tuple[str, ...] = (
    "yanvar", "fevral", "mart", "aprel", "may", "iyun",
    "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr",
)
LANGUAGE_NAMES: dict[str, str] = {"ru": "rus dili", "en": "ingilis dili", "az": "Azərbaycan dili"}
