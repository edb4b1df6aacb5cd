"""The moderators' strings in Azerbaijani (HTML where marked by tags), merged into
:data:`bot.moderation.texts.MOD_TEXTS` at import. ``tests/bot/test_strings.py`` fails when a
moderator string lacks a language or its placeholders differ."""

from __future__ import annotations

MOD_TEXTS_AZ: dict[str, str] = {
    "denied": "Bu əmr yalnız korpus moderatorları üçündür. Sualları adi mətnlə verə bilərsiniz.",
    "denied_upload": "Mənbələri yalnız moderatorlar əlavə edə bilər. Mətn suallarına cavab verirəm: /help.",
    "private_only": "Moderator əmrləri yalnız botla şəxsi çatda işləyir.",
    "unavailable": "Korpusun idarə olunması mümkün deyil: bot məlumat kataloqu olmadan işə salınıb.",
    "add_prompt": ("Məqalənin mətnini növbəti mesajla və ya fayl kimi göndərin (.txt, .md, .html, UTF-8). "
                   "Fayla «açar: dəyər» sətirlərindən ibarət izahat əlavə etmək olar: title, url, date, "
                   "language. /cancel — ləğv etmək."),
    "cancelled": "Ləğv olundu, heç nə dəyişmədi.",
    "nothing_to_cancel": "Ləğv ediləcək heç nə yoxdur.",
    "too_big": "Fayl qəbul olunmadı: {size} MB, hədd isə {limit} MB-dır. Heç nə dəyişmədi.",
    "bad_caption": ("İzahatı oxumaq olmadı: {reason}. «açar: dəyər» sətirləri yazın (title, url, date "
                    "İİİİ-AA-GG şəklində, language: ru və ya en). Heç nə dəyişmədi."),
    "rejected": "Mənbə qəbul olunmadı: {reason}. Heç nə dəyişmədi.",
    "download_failed": "Faylı Telegram-dan yükləmək olmadı. Onu yenidən göndərin.",
    "preview_title": "Yeni mənbə",
    "preview_meta": "dil: {language}; abzaslar: {paragraphs}; fraqmentlər: {passages}; tarixli hadisələr: {events}",
    "preview_url": "keçid",
    "preview_published": "dərc olunub: {date}",
    "preview_dates": "Tarixlər",
    "preview_speakers": "Danışanlar",
    "preview_none": "tapılmadı",
    "preview_samples": "İlk tarixli fraqmentlər:",
    "preview_no_samples": "Tarixli fraqment yoxdur: cavablar bu mətni tarixsiz sitat gətirəcək.",
    "preview_ask": "Korpusa əlavə edilsin?",
    "btn_add": "✅ Əlavə et",
    "btn_remove": "🗑 Sil",
    "btn_rollback": "↩ Geri qaytar",
    "btn_cancel": "✖ Ləğv et",
    "expired": "Bu təsdiqin vaxtı keçib: əməliyyatı yenidən başladın.",
    "working_add": ("⏳ «{title}» əlavə olunur və indeks yenilənir… Yeniləmə bitənə qədər suallara cari "
                    "versiya üzrə cavab verilir."),
    "working_remove": "⏳ {id} silinir və indeks yenilənir…",
    "working_rollback": "⏳ İndeks geri qaytarılır…",
    "working_reindex": "⏳ İndeks tamamilə yenidən qurulur…",
    "added": ("✅ Mənbə əlavə olundu: {title} ({id}). İndeks versiyası {version}: fraqmentlər {passages}, "
              "yeni vektorlar {embedded}, əvvəlki versiyadan götürülüb {reused}; {seconds} san. Yeni suallara "
              "artıq onun üzrə cavab verilir."),
    "removed": "🗑 {id} mənbəyi silindi. İndeks versiyası {version}: fraqmentlər {passages}. Geri qaytarmaq: /rollback.",
    "rolled_back": "↩ İndeks {version} versiyasına qaytarıldı: mənbələr {sources}, fraqmentlər {passages}.",
    "reindexed": ("✅ İndeks yenidən quruldu: versiya {version}, fraqmentlər {passages}, yeni vektorlar {embedded}, "
                  "əvvəlki versiyadan götürülüb {reused}; {seconds} san."),
    "failed": "Alınmadı: {reason}. Dərc olunmuş versiya dəyişmədi.",
    "busy": "İndeksi hazırda başqa proses yeniləyir. Bir dəqiqədən sonra yenidən cəhd edin; heç nə dəyişmədi.",
    "remove_usage": "Mənbənin id-sini göstərin: /remove ID. Id-lər /sources siyahısındadır.",
    "remove_unknown": "Korpusda {id} mənbəyi yoxdur. Id-lər /sources siyahısındadır.",
    "remove_last": "Bu yeganə mənbədir: korpus boş qala bilməz.",
    "remove_ask": ("{title} mənbəyi silinsin ({id}, fraqmentlər {passages})? Cavablar onu sitat gətirməyəcək; "
                   "/rollback onu geri qaytarır."),
    "rollback_ask": ("İndeks {current} versiyasından əvvəlki {parent} versiyasına qaytarılsın? Onun mənbələr "
                     "dəsti də geri qayıdacaq."),
    "rollback_none": "Əvvəlki versiya yoxdur: geri qaytarmaq mümkün deyil.",
    "stale": "Sorğudan sonra indeks dəyişib; heç nə edilmədi. Əmri yenidən işə salın.",
    "sources_title": "<b>Mənbələr</b> ({n}), dərc olunmuş versiya {version}:",
    "sources_entry": "fraqmentlər {passages}, abzaslar {paragraphs}; əlavə olunub {added}, kim tərəfindən: {by}",
    "sources_unserved": "qeydiyyatdadır, amma dərc olunmuş versiyaya daxil deyil (/reindex lazımdır)",
    "sources_hint": "Silmək: /remove ID · əlavə etmək: /add və ya fayl.",
    "unknown": "naməlum",
    "status_title": "<b>Vəziyyət</b>",
    "status_version": "İndeks versiyası: {version} (qurulub {built_at}); əvvəlki: {parent}",
    "status_model": "Model: {model}; axtarış: {faiss}",
    "status_corpus": "Mənbələr {sources}, fraqmentlər {passages}, hadisələr {events}",
    "status_last": "Son dəyişiklik: {change}",
    "status_uptime": "Bot {uptime} işləyir",
    "status_questions": ("Başlanğıcdan bəri: cavablı suallar {answered}, cavabsız {declined}; cavab vaxtının "
                         "medianı {p50}"),
    "status_none": "yoxdur",
    "feedback_title": "<b>Son 👎</b>: {total} ədəddən {shown}, əvvəlcə yeniləri",
    "feedback_empty": "Hələ mənfi qiymət yoxdur.",
    "feedback_question": "Sual",
    "feedback_meta": "istifadəçi {user}, versiya {version}",
    "feedback_no_hits": "(sitatlar saxlanılmayıb)",
    "cmd_add": "Mənbə əlavə etmək",
    "cmd_cancel": "Əlavə etməni ləğv etmək",
    "cmd_sources": "Mənbələr: id, kim və nə vaxt əlavə edib",
    "cmd_remove": "Mənbəni silmək: /remove ID",
    "cmd_reindex": "İndeksi yenidən qurmaq",
    "cmd_status": "İndeksin və botun vəziyyəti",
    "cmd_rollback": "İndeksi əvvəlki versiyaya qaytarmaq",
    "cmd_feedback": "Son 👎 qiymətləri",
    # /fix, the preview's paragraph lines, pasting in parts, same-moderator confirm
    "fix_usage": ("Abzası düzəltmək: /fix ID ABZAS date=İİİİ-AA-GG speaker=AD kind=quote|reported|commentary "
                  "(üçündən istənilən; none dəyəri silir). ID-lər /sources ilə göstərilir, abzas nömrəsi "
                  "istinaddadır."),
    "fix_unknown_source": "Korpusda {id} mənbəyi yoxdur. ID-lər /sources ilə göstərilir. Heç nə dəyişmədi.",
    "fix_bad_paragraph": "{value} abzası yoxdur: mənbədə 1–{count} abzasları var. Heç nə dəyişmədi.",
    "fix_bad_date": "«{value}» tarixini oxumaq olmadı: İİİİ-AA-GG və ya none yazın. Heç nə dəyişmədi.",
    "fix_bad_kind": "Naməlum növ «{value}»: quote, reported və ya commentary yazın. Heç nə dəyişmədi.",
    "fix_bad_speaker": "«{value}» danışanını istifadə etmək olmaz: ən çox 100 simvol və ya none. Heç nə dəyişmədi.",
    "fix_unknown_key": "Naməlum sahə «{field}»: date=, speaker=, kind= yazın. Heç nə dəyişmədi.",
    "fix_duplicate_key": "«{field}» sahəsi iki dəfə verilib. Heç nə dəyişmədi.",
    "working_fix": "⏳ {id} mənbəyinin {paragraph} abzası düzəldilir və indeks yenilənir…",
    "fixed": ("✅ {id} mənbəyinin {paragraph} abzası düzəldildi. İndeks versiyası {version}; {seconds} san. "
              "Geri qaytarmaq: /rollback."),
    "fix_field": "{name}: {old} → {new}",
    "fix_same": "{name}: {old} (dəyişmədi)",
    "field_date": "tarix",
    "field_speaker": "danışan",
    "field_kind": "növ",
    "kind_quote": "sitat",
    "kind_reported": "nəql",
    "kind_commentary": "şərh",
    "preview_paragraphs": "Abzaslar (tarix · danışan · növ); səhvi əlavə etdikdən sonra düzəltmək olar: /fix",
    "preview_more": "…və daha {n}",
    "preview_undated": "tarixsiz",
    "cmd_fix": "Abzası düzəltmək: /fix ID ABZAS date= speaker= kind=",
    "not_yours": "Bunu yalnız başladan moderator təsdiqləyə və ya ləğv edə bilər.",
    "in_progress": "Artıq icra olunur…",
    "cmd_done": "Mətnin yapışdırılmasını bitirmək (/add)",
    "paste_more": ("Qəbul olunan hissələr: {parts} ({size} kB). Davamını növbəti mesajlarla göndərə bilərsiniz; "
                   "mətn bitəndə /done."),
    "paste_too_big": ("Bu hissə qəbul olunmadı: onunla mətn {limit} MB həddini aşardı. İndiyədək qəbul olunan "
                      "hissələr saxlanılıb: onları təsdiqləyin və ya /cancel."),
    "paste_done": "Mətn tamamlandı ({parts} hissə, {size} kB). Önizləmənin altındakı düymə ilə təsdiqləyin.",
    "paste_nothing": "Bitiriləcək heç nə yoxdur: əvvəlcə /add və mətni göndərin.",
}
