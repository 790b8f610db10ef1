"""Interface labels in Kazakh, Russian and English; theme and polarity names come from the taxonomy."""

from __future__ import annotations

LANGUAGES = ("kk", "ru", "en")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

# key: (kk, ru, en)
LABELS: dict[str, tuple[str, str, str]] = {
    "app_title": ("Мемлекеттік қызметтер туралы пікірлер", "Отзывы о госуслугах", "Public-service comments"),
    "interface_language": ("Интерфейс тілі", "Язык интерфейса", "Interface language"),
    "page": ("Бет", "Страница", "Page"),
    "page_overview": ("Шолу", "Обзор", "Overview"),
    "page_themes": ("Тақырыптар", "Темы", "Themes"),
    "page_services": ("Қызметтер", "Услуги", "Services"),
    "page_quotes": ("Дәйексөздер", "Цитаты", "Quotes"),
    "page_review": ("Белгілерді тексеру", "Проверка разметки", "Label review"),
    "page_crosstab": ("Айқас кесте", "Кросс-таблица", "Crosstab"),
    "page_discovery": ("Жаңа тақырыптар", "Новые темы", "Discovery"),
    "filters": ("Сүзгілер", "Фильтры", "Filters"),
    "service": ("Қызмет", "Услуга", "Service"),
    "agency": ("Мемлекеттік орган", "Госорган", "Agency"),
    "region": ("Өңір", "Регион", "Region"),
    "language": ("Тіл", "Язык", "Language"),
    "theme": ("Тақырып", "Тема", "Theme"),
    "themes": ("Тақырыптар", "Темы", "Themes"),
    "polarity": ("Бағыты", "Тональность", "Polarity"),
    "rating": ("Баға", "Оценка", "Rating"),
    "rating_band": ("Респондент бағасы", "Оценка респондента", "Respondent rating"),
    "service_score_band": ("Қызметтің орташа балы", "Средний балл услуги", "Service average score"),
    "cluster": ("Кластер", "Кластер", "Cluster"),
    "choose": ("Таңдаңыз", "Выберите", "Choose"),
    "reset_filters": ("Сүзгілерді тазарту", "Сбросить фильтры", "Reset filters"),
    "selected_comments": ("Таңдалған пікірлер: {n} / {total}", "Выбрано отзывов: {n} из {total}", "Selected comments: {n} of {total}"),
    "no_comments": ("Сүзгіге сәйкес пікір жоқ.", "Нет отзывов, подходящих под фильтры.", "No comments match the filters."),
    "no_themes": ("Тақырыптар әлі анықталмаған: алдымен жіктеуді іске қосыңыз.", "Темы ещё не определены: сначала запустите классификацию.", "No themes yet: run the classification first."),
    "store_missing": ("Дерекқор табылмады: {path}. `textmine run` іске қосыңыз.", "База не найдена: {path}. Запустите `textmine run`.", "Store not found: {path}. Run `textmine run`."),
    "store_busy": ("Дерекқор бос емес (басқа процесс жазып жатыр): {error}", "База занята другим процессом: {error}", "The store is busy (another process is writing): {error}"),
    # overview
    "comments": ("Пікірлер", "Отзывы", "Comments"),
    "services": ("Қызметтер", "Услуги", "Services"),
    "with_themes": ("Тақырыбы бар", "С темами", "With themes"),
    "regions": ("Өңірлер", "Регионы", "Regions"),
    "language_mix": ("Тілдер", "Языки", "Languages"),
    "themes_by_polarity": ("Тақырыптар бағыты бойынша", "Темы по тональности", "Themes by polarity"),
    "service_theme_heatmap": ("Қызмет × тақырып", "Услуга × тема", "Service × theme"),
    "share_of_comments": ("Пікірлер үлесі", "Доля отзывов", "Share of comments"),
    "ratings_vs_theme": ("Қызмет бағасы мен тақырып үлесі", "Оценка услуги и доля темы", "Service rating vs theme share"),
    "avg_score": ("Орташа балл", "Средний балл", "Average score"),
    "count": ("Саны", "Количество", "Count"),
    # themes page
    "definition": ("Анықтамасы", "Определение", "Definition"),
    "size": ("Көлемі", "Размер", "Size"),
    "by_service": ("Қызметтер бойынша", "По услугам", "By service"),
    "by_region": ("Өңірлер бойынша", "По регионам", "By region"),
    "representative_quotes": ("Типтік дәйексөздер", "Типичные цитаты", "Representative quotes"),
    "all_quotes": ("Барлық дәйексөздер", "Все цитаты", "All quotes"),
    "sub_clusters": ("Ішкі кластерлер", "Подкластеры", "Sub-clusters"),
    "find_sub_clusters": ("Ішкі кластерлерді табу", "Найти подкластеры", "Find sub-clusters"),
    "keywords": ("Кілт сөздер", "Ключевые слова", "Keywords"),
    "page_no": ("Бет нөмірі", "Номер страницы", "Page number"),
    "no_vectors": ("Векторлар жоқ: алдымен пікірлерді векторлаңыз (textmine).", "Нет векторов: сначала рассчитайте эмбеддинги (textmine).", "No vectors: embed the comments first (textmine)."),
    "too_few": ("Кластерлеу үшін пікірлер аз.", "Слишком мало отзывов для кластеризации.", "Too few comments to cluster."),
    # services page
    "respondents": ("Респонденттер (N)", "Респонденты (N)", "Respondents (N)"),
    "satisfaction": ("Қанағаттану, %", "Удовлетворённость, %", "Satisfaction, %"),
    "rank": ("Рейтингтегі орны", "Место в рейтинге", "Rank"),
    "distribution": ("Бағалардың бөлінуі", "Распределение оценок", "Rating distribution"),
    "vs_last_year": ("өткен жылмен салыстырғанда", "к прошлому году", "vs last year"),
    "top_complaints": ("Негізгі шағым тақырыптары", "Основные темы жалоб", "Top complaint themes"),
    "impact": ("Әсері", "Влияние", "Impact"),
    "complaints": ("Шағымдар", "Жалобы", "Complaints"),
    "representative_complaints": ("Типтік шағымдар", "Типичные жалобы", "Representative complaints"),
    "no_service_data": ("Бұл қызмет бойынша дерек жоқ.", "Нет данных по услуге.", "No data for this service."),
    # quotes page
    "full_text": ("Мәтін бойынша іздеу", "Поиск по тексту", "Full-text search"),
    "semantic": ("Мағыналық іздеу (қазақша немесе орысша)", "Смысловой поиск (на казахском или русском)", "Semantic search (Kazakh or Russian)"),
    "search": ("Іздеу", "Искать", "Search"),
    "semantic_results": ("Мағынасы жақын {n} пікір", "{n} близких по смыслу отзывов", "{n} closest comments"),
    "semantic_partial": ("{n} пікірдің векторы жоқ, олар іздеуге кірмеді.", "У {n} отзывов нет векторов, они не участвуют в поиске.", "{n} comments have no vectors and are not searched."),
    "similarity": ("Ұқсастық", "Сходство", "Similarity"),
    "add_to_basket": ("Себетке", "В корзину", "Add to basket"),
    "in_basket": ("Себетте", "В корзине", "In basket"),
    "basket": ("Дәйексөздер себеті", "Корзина цитат", "Citation basket"),
    "basket_count": ("Себетте {n} дәйексөз", "В корзине цитат: {n}", "{n} quotes in the basket"),
    "basket_empty": ("Себет бос.", "Корзина пуста.", "The basket is empty."),
    "clear_basket": ("Себетті тазарту", "Очистить корзину", "Clear basket"),
    "remove": ("Алып тастау", "Убрать", "Remove"),
    "export_md": ("Markdown жүктеу", "Скачать Markdown", "Download Markdown"),
    "export_docx": ("DOCX жүктеу", "Скачать DOCX", "Download DOCX"),
    "export_csv": ("CSV жүктеу", "Скачать CSV", "Download CSV"),
    "export_all_csv": ("Сүзілген пікірлерді CSV-ге", "Отфильтрованные отзывы в CSV", "Filtered comments as CSV"),
    "text": ("Мәтін", "Текст", "Text"),
    "score": ("Балл", "Балл", "Score"),
    # review page
    "review_queue": ("Тексеру кезегі (ең күмәндісі бірінші)", "Очередь проверки (сначала самые сомнительные)", "Review queue (least certain first)"),
    "current_themes": ("Қазіргі тақырыптар", "Текущие темы", "Current themes"),
    "correct_themes": ("Дұрыс тақырыптар", "Правильные темы", "Correct themes"),
    "correct_polarity": ("Дұрыс бағыты", "Правильная тональность", "Correct polarity"),
    "save": ("Сақтау", "Сохранить", "Save"),
    "saved": ("{n} шешім сақталды.", "Сохранено решений: {n}.", "Saved {n} decisions."),
    "nothing_to_save": ("Өзгеріс жоқ.", "Изменений нет.", "Nothing changed."),
    "feedback_so_far": ("Сақталған шешімдер", "Сохранённые решения", "Saved decisions"),
    "next": ("Келесі", "Следующий", "Next"),
    "previous": ("Алдыңғы", "Предыдущий", "Previous"),
    "position": ("{i} / {n}", "{i} из {n}", "{i} of {n}"),
    # crosstab page
    "attribute": ("Белгі", "Признак", "Attribute"),
    "show": ("Көрсету", "Показать", "Show"),
    "counts": ("Саны", "Количество", "Counts"),
    "row_pct": ("Жол %", "% по строке", "Row %"),
    "col_pct": ("Баған %", "% по столбцу", "Column %"),
    "pct_note": ("Жол %: тақырыптың осы бағандағы үлесі. Баған %: осы бағандағы пікірлердің қанша пайызында тақырып бар (бір пікірде бірнеше тақырып болуы мүмкін).", "% по строке: доля темы, приходящаяся на столбец. % по столбцу: доля отзывов столбца с этой темой (у отзыва может быть несколько тем).", "Row %: the theme's share falling in the column. Column %: share of the column's comments carrying the theme (a comment may have several themes)."),
    "open_cell": ("Ұяшықты ашу", "Открыть ячейку", "Open a cell"),
    "cell_quotes": ("{theme} × {value}: {n} дәйексөз", "{theme} × {value}: цитат {n}", "{theme} × {value}: {n} quotes"),
    "cooccurrence": ("Тақырыптардың бірге кездесуі", "Совместная встречаемость тем", "Theme co-occurrence"),
    "no_values": ("Бұл белгінің мәні жоқ.", "У этого признака нет значений.", "This attribute has no values."),
    # discovery page
    "run_discovery": ("Тақырыптарды табу", "Найти темы", "Discover topics"),
    "discovery_sample": ("{n} пікірдің кездейсоқ іріктемесі бойынша.", "По случайной выборке из {n} отзывов.", "On a random sample of {n} comments."),
    "candidates_only": ("Тек жаңа тақырып үміткерлері", "Только кандидаты в новые темы", "New-theme candidates only"),
    "candidate": ("Үміткер", "Кандидат", "Candidate"),
    "dominant_theme": ("Басым тақырып", "Доминирующая тема", "Dominant theme"),
    "promote": ("Таксономияға қосу", "Добавить в таксономию", "Promote into the taxonomy"),
    "theme_id": ("Тақырып идентификаторы (латынша)", "Идентификатор темы (латиница)", "Theme id (latin)"),
    "name_kk": ("Атауы (қазақша)", "Название (каз.)", "Name (Kazakh)"),
    "name_ru": ("Атауы (орысша)", "Название (рус.)", "Name (Russian)"),
    "name_en": ("Атауы (ағылшынша)", "Название (англ.)", "Name (English)"),
    "draft_path": ("Таксономия көшірмесі", "Копия таксономии", "Taxonomy copy"),
    "promoted": ("«{id}» тақырыбы {path} файлына қосылды (нұсқа {version}).", "Тема «{id}» добавлена в {path} (версия {version}).", "Theme “{id}” added to {path} (version {version})."),
    "promote_failed": ("Қосылмады: {error}", "Не добавлено: {error}", "Not added: {error}"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (kk, ru or en), with ``{placeholders}`` filled from ``values``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown interface language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    try:
        text = LABELS[key][LANGUAGES.index(lang)]
    except KeyError:
        raise KeyError(f"no interface label {key!r}") from None
    return text.format(**values) if values else text
