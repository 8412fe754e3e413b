"""The catalogue demo's word lists (demo/catalogue_demo.py): the goods of each trade in the
suppliers' languages, the suppliers, their certificates and the buyers' extra tenders.

Prices are in euros and converted to each price list's currency (``RATES``); units are the
ones the suppliers write in their own language. Category codes are the seeded CPV ones
(marketplace/categories/data/cpv2008.json)."""

from __future__ import annotations

# A supplier's language by its country (Estonian exporters list their goods in English).
LANGUAGE = {"UA": "uk", "RU": "ru", "PL": "pl", "DE": "de", "EE": "et"}
CURRENCY = {"UA": "UAH", "RU": "RUB", "PL": "PLN", "DE": "EUR", "EE": "EUR"}
RATES = {"UAH": 45, "RUB": 95, "PLN": 4.3, "EUR": 1}

# Per trade: its category, its SKU prefix and its goods per language: (name, unit, EUR price).
# fmt: off
GOODS: dict[str, tuple[str, str, dict[str, list[tuple[str, str, float]]]]] = {
    "diesel": ("09134200-9", "DP", {
        "uk": [
            ("Дизельне паливо ДП-Л-Євро5-В0", "т", 1150),
            ("Дизельне паливо ДП-З-Євро5-В0, зимове", "т", 1190),
            ("Дизельне паливо ДП-А-Євро5-В0, арктичне", "т", 1240),
            ("Дизельне паливо EN 590 клас F", "л", 1.15),
            ("Біодизель B7, суміш з дизельним паливом", "т", 1120),
            ("Дизельне паливо ДП-Л-Євро5, доставка бензовозом", "л", 1.22),
        ],
        "ru": [
            ("Дизельное топливо ДТ-Л-К5, летнее", "т", 1080),
            ("Дизельное топливо ДТ-З-К5, зимнее", "т", 1130),
            ("Дизельное топливо ДТ-А-К5, арктическое", "т", 1190),
            ("Дизельное топливо ДТ-Е-К5, межсезонное", "т", 1100),
        ],
        "pl": [
            ("Olej napędowy Ekodiesel", "l", 1.35),
            ("Olej napędowy arktyczny klasy 2", "l", 1.42),
            ("Olej napędowy grzewczy", "l", 1.1),
        ],
        "de": [
            ("Dieselkraftstoff EN 590", "l", 1.45),
            ("Winterdiesel EN 590 Klasse F", "l", 1.52),
        ],
        "et": [
            ("Diesel fuel EN 590", "l", 1.4),
            ("Winter diesel EN 590 class 2", "l", 1.48),
            ("Marked diesel fuel for agriculture", "l", 1.05),
        ],
    }),
    "petrol": ("09132000-3", "BN", {
        "uk": [
            ("Бензин А-95-Євро5-Е5", "т", 1380),
            ("Бензин А-92-Євро5-Е5", "т", 1300),
            ("Бензин А-98-Євро5", "л", 1.45),
            ("Бензин А-95 преміум", "л", 1.38),
        ],
        "ru": [
            ("Бензин АИ-92-К5", "т", 900),
            ("Бензин АИ-95-К5", "т", 980),
            ("Бензин АИ-100-К5", "л", 0.85),
        ],
    }),
    "lpg": ("09133000-0", "GZ", {
        "uk": [
            ("Газ скраплений пропан-бутан СПБТ", "т", 720),
            ("Пропан технічний ПТ", "т", 760),
            ("Автогаз ПБА, відпуск у газовозах", "л", 0.55),
        ],
        "ru": [
            ("Газ сжиженный ПБТ", "т", 480),
            ("Пропан автомобильный ПА", "т", 520),
        ],
    }),
    "lube": ("09000000-3", "OL", {
        "uk": [
            ("Моторна олива 15W-40, бочка 208 л", "л", 3.2),
            ("Моторна олива 10W-40 напівсинтетична, каністра 20 л", "л", 3.9),
            ("Трансмісійна олива 80W-90 GL-5", "л", 3.5),
            ("Гідравлічна олива HLP 46", "л", 2.6),
            ("Антифриз G12, бочка 200 л", "л", 1.9),
            ("Рідина AdBlue, єврокуб 1000 л", "л", 0.45),
            ("Мастило літієве Літол-24, відро 18 кг", "кг", 3.0),
        ],
        "ru": [
            ("Моторное масло 15W-40, бочка 216 л", "л", 2.6),
            ("Гидравлическое масло ВМГЗ", "л", 2.2),
            ("Антифриз G11, канистра 10 л", "л", 1.5),
            ("Трансмиссионное масло ТАД-17", "л", 2.4),
        ],
        "de": [
            ("Motoröl 15W-40 Super Tractor Oil Universal", "l", 4.4),
            ("Hydrauliköl HLP 46", "l", 3.1),
            ("Getriebeöl 80W-90 GL-5", "l", 4.0),
            ("AdBlue, IBC-Container 1000 l", "l", 0.55),
        ],
    }),
    "fertiliser": ("24000000-4", "DB", {
        "uk": [
            ("Карбамід (сечовина) N 46%, біг-бег 500 кг", "т", 470),
            ("Аміачна селітра N 34,4%", "т", 390),
            ("Нітроамофоска NPK 16-16-16", "т", 520),
            ("КАС-32, рідке азотне добриво", "т", 330),
            ("Сульфат амонію N 21%, S 24%", "т", 260),
            ("Діамофоска NPK 10-26-26", "т", 590),
            ("Хлористий калій K2O 60%", "т", 380),
            ("Амофос NP 12-52", "т", 640),
            ("Вапнякове борошно для розкислення ґрунтів", "т", 35),
        ],
        "ru": [
            ("Карбамид марки Б, мешок 50 кг", "т", 380),
            ("Аммиачная селитра N 34,4%", "т", 300),
            ("Азофоска NPK 16-16-16", "т", 420),
            ("Калий хлористый K2O 60%", "т", 290),
            ("Аммофос NP 12-52", "т", 560),
        ],
        "pl": [
            ("Mocznik nawozowy N 46%", "t", 490),
            ("Saletra amonowa 34%", "t", 410),
            ("Polifoska NPK 6-20-30", "t", 560),
            ("Roztwór saletrzano-mocznikowy RSM 32%", "t", 340),
            ("Sól potasowa 60%", "t", 400),
        ],
        "et": [
            ("Urea fertiliser 46% N, big bag", "t", 500),
            ("Ammonium nitrate fertiliser 34.4% N", "t", 420),
            ("NPK 15-15-15 compound fertiliser", "t", 560),
            ("Potassium chloride fertiliser 60% K2O", "t", 410),
        ],
    }),
    "protection": ("24900000-3", "ZZ", {
        "uk": [
            ("Гербіцид гліфосат 480 г/л, каністра 20 л", "л", 5.5),
            ("Фунгіцид тебуконазол 250 г/л", "л", 14),
            ("Інсектицид лямбда-цигалотрин 50 г/л", "л", 11),
            ("Протруйник насіння флудіоксоніл 25 г/л", "л", 18),
            ("Ад'ювант ПАР, каністра 10 л", "л", 6),
            ("Десикант дикват 150 г/л", "л", 9),
        ],
        "de": [
            ("Herbizid Glyphosat 360 g/l, Kanister 20 l", "l", 7.5),
            ("Fungizid Tebuconazol 250 g/l", "l", 17),
            ("Netzmittel für Pflanzenschutz, 10 l", "l", 8),
        ],
    }),
    "seeds": ("03100000-2", "NS", {
        "uk": [
            ("Насіння соняшнику, гібрид F1, п. о. 150 тис. насінин", "п. о.", 95),
            ("Насіння соняшнику під гранстар, гібрид F1", "п. о.", 120),
            ("Насіння кукурудзи ФАО 280, п. о. 80 тис. насінин", "п. о.", 105),
            ("Насіння кукурудзи ФАО 350", "п. о.", 115),
            ("Насіння пшениці озимої, еліта", "т", 520),
            ("Насіння пшениці озимої, 1 репродукція", "т", 420),
            ("Насіння ячменю ярого, еліта", "т", 480),
            ("Насіння ріпаку озимого, гібрид F1, п. о. 1,5 млн", "п. о.", 145),
            ("Насіння сої, 1 репродукція", "т", 780),
            ("Насіння гороху, еліта", "т", 560),
        ],
        "pl": [
            ("Nasiona pszenicy ozimej, kwalifikowane C1", "t", 560),
            ("Nasiona kukurydzy FAO 240, jednostka 50 tys.", "jedn.", 98),
            ("Nasiona rzepaku ozimego, mieszaniec F1", "jedn.", 150),
            ("Nasiona jęczmienia jarego C1", "t", 510),
            ("Nasiona grochu siewnego", "t", 600),
        ],
        "de": [
            ("Saatgut Winterweizen, Z-Saatgut", "t", 590),
            ("Saatgut Mais S 250, Einheit 50.000 Körner", "EH", 105),
            ("Saatgut Winterraps, Hybrid", "EH", 160),
            ("Saatgut Sommergerste, Z-Saatgut", "t", 540),
        ],
        "et": [
            ("Winter wheat seeds, certified C1", "t", 570),
            ("Spring barley seeds, certified", "t", 530),
            ("Winter rapeseed seeds, F1 hybrid", "unit", 155),
            ("Grass seeds mixture for pasture", "kg", 4.5),
            ("Pea seeds, certified", "t", 610),
        ],
    }),
    "grain": ("03200000-3", "ZR", {
        "uk": [
            ("Пшениця 2 клас, протеїн 12,5%", "т", 215),
            ("Пшениця 3 клас", "т", 200),
            ("Кукурудза фуражна 3 клас, вологість 14%", "т", 175),
            ("Ячмінь фуражний", "т", 170),
            ("Соняшник, олійність 48%", "т", 390),
            ("Соя без ГМО", "т", 370),
            ("Ріпак озимий, олійність 42%", "т", 430),
        ],
    }),
    "feed": ("15600000-4", "KK", {
        "uk": [
            ("Комбікорм для ВРХ, гранульований", "т", 310),
            ("Комбікорм стартер для поросят", "т", 560),
            ("Шрот соняшниковий, протеїн 36%", "т", 240),
            ("Макуха соєва", "т", 420),
            ("Висівки пшеничні", "т", 140),
            ("Премікс для свиней 2,5%", "кг", 1.6),
            ("Крейда кормова", "т", 80),
        ],
        "pl": [
            ("Pasza dla bydła mlecznego, granulat", "t", 330),
            ("Śruta rzepakowa", "t", 280),
            ("Otręby pszenne", "t", 160),
            ("Premiks dla trzody 2%", "kg", 1.8),
        ],
    }),
    "oil": ("15400000-2", "OS", {
        "uk": [
            ("Олія соняшникова нерафінована, наливом", "т", 980),
            ("Олія соняшникова рафінована дезодорована, ПЕТ 5 л", "л", 1.9),
            ("Олія соєва нерафінована", "т", 990),
            ("Олія ріпакова технічна", "т", 940),
        ],
    }),
    "rebar": ("44100000-1", "AR", {
        "uk": [
            ("Арматура А500С Ø12 мм, 11,7 м", "т", 720),
            ("Арматура А500С Ø16 мм", "т", 710),
            ("Арматура А240С Ø10 мм, бухта", "т", 760),
            ("Сітка зварна 100×100×4 мм, карта 2×3 м", "шт", 9.5),
            ("Дріт в'язальний Ø1,2 мм", "кг", 1.6),
            ("Катанка Ø6,5 мм", "т", 690),
            ("Швелер 12П", "т", 820),
            ("Кутник 50×50×5", "т", 800),
            ("Балка двотаврова 20Б1", "т", 860),
        ],
        "ru": [
            ("Арматура А500С Ø12 мм", "т", 560),
            ("Арматура А500С Ø20 мм", "т", 550),
            ("Швеллер 16П", "т", 640),
            ("Уголок 63×63×6", "т", 630),
            ("Балка двутавровая 25Б1", "т", 690),
        ],
        "pl": [
            ("Pręt żebrowany B500SP Ø12", "t", 740),
            ("Pręt żebrowany B500SP Ø16", "t", 730),
            ("Siatka zgrzewana 150×150×6", "szt.", 14),
            ("Drut wiązałkowy 1,2 mm", "kg", 1.8),
        ],
    }),
    "sheet": ("14000000-1", "LS", {
        "uk": [
            ("Лист гарячекатаний 4 мм, 1500×6000", "т", 780),
            ("Лист холоднокатаний 1,5 мм", "т", 880),
            ("Лист оцинкований 0,7 мм", "т", 1050),
            ("Штаба 40×4", "т", 800),
            ("Профнастил ПС-20, оцинкований", "м²", 6.5),
            ("Труба профільна 60×40×3", "т", 840),
            ("Лист рифлений 4 мм", "т", 830),
        ],
        "ru": [
            ("Лист горячекатаный 6 мм, Ст3сп", "т", 600),
            ("Лист оцинкованный 0,5 мм", "т", 820),
            ("Полоса стальная 50×5", "т", 620),
            ("Профнастил С21", "м²", 5.2),
        ],
        "de": [
            ("Stahlblech warmgewalzt S235JR, 5 mm", "t", 950),
            ("Flachstahl S235JR 50×5", "t", 980),
            ("Verzinktes Blech DX51D, 0,75 mm", "t", 1150),
        ],
    }),
    "pipes": ("44100000-1", "TR", {
        "uk": [
            ("Труба сталева електрозварна 57×3,5 мм", "м", 6.5),
            ("Труба ВГП 32×3,2 мм", "м", 4.8),
            ("Труба безшовна 108×4 мм", "м", 19),
            ("Труба поліетиленова ПЕ100 SDR17 Ø110 мм", "м", 7.2),
            ("Труба ПВХ каналізаційна Ø110 мм", "м", 3.1),
            ("Труба сталева оцинкована 25×2,8 мм", "м", 4.1),
            ("Відвід сталевий 57 мм", "шт", 1.9),
        ],
        "ru": [
            ("Труба электросварная 57×3,5 мм", "м", 5.0),
            ("Труба бесшовная 89×4 мм", "м", 13),
            ("Труба ВГП 20×2,8 мм", "м", 2.6),
            ("Труба профильная 80×80×4", "т", 700),
            ("Труба нефтегазопроводная 530×8", "т", 980),
        ],
        "pl": [
            ("Rura stalowa ze szwem 57×3,2", "m", 7.0),
            ("Rura PE100 SDR17 Ø110", "m", 7.8),
            ("Rura kanalizacyjna PVC-U Ø160", "m", 5.6),
            ("Rura stalowa ocynkowana 1 cal", "m", 5.2),
        ],
    }),
    "cement": ("44100000-1", "CM", {
        "uk": [
            ("Цемент ПЦ II/Б-Ш-400, мішок 25 кг", "шт", 3.4),
            ("Цемент ПЦ I-500-Н, навалом", "т", 105),
            ("Цемент ШПЦ III/А-400, навалом", "т", 92),
            ("Блок газобетонний D500, 600×200×300", "м³", 62),
            ("Цегла рядова М150", "шт", 0.22),
            ("Суміш штукатурна, мішок 25 кг", "шт", 4.1),
            ("Бетон товарний В25 (М350)", "м³", 78),
        ],
        "pl": [
            ("Cement CEM I 42,5R, worek 25 kg", "szt.", 5.0),
            ("Cement CEM II/B-S 32,5R luzem", "t", 115),
            ("Bloczek z betonu komórkowego 24 cm", "m³", 70),
            ("Beton towarowy C20/25", "m³", 85),
        ],
    }),
    "aggregates": ("14200000-3", "PS", {
        "uk": [
            ("Пісок річковий митий", "т", 9),
            ("Щебінь гранітний, фракція 5–20 мм", "т", 16),
            ("Щебінь гранітний, фракція 20–40 мм", "т", 15),
            ("Відсів гранітний 0–5 мм", "т", 8),
            ("Глина вогнетривка", "т", 30),
            ("Пісок кварцовий", "т", 22),
        ],
    }),
    "timber": ("03000000-1", "DR", {
        "uk": [
            ("Дошка обрізна, сосна, 50×150×6000 мм", "м³", 230),
            ("Брус сосновий 100×100×6000 мм", "м³", 240),
            ("Дошка обрізна, дуб, 1 ґатунок", "м³", 650),
            ("Фанера ФК 18 мм, 1525×1525", "шт", 32),
            ("Плита OSB-3 12 мм", "шт", 11),
            ("Дрова колоті, граб", "м³", 55),
            ("Пелети деревні ENplus A1", "т", 210),
        ],
        "pl": [
            ("Tarcica sosnowa obrzynana 50×150", "m³", 260),
            ("Płyta OSB/3 12 mm", "szt.", 12.5),
            ("Pellet drzewny ENplus A1", "t", 240),
        ],
        "et": [
            ("Sawn timber, spruce, 50×150 mm, kiln dried", "m³", 280),
            ("Pine planed boards 28×120 mm", "m³", 320),
            ("Birch plywood 18 mm, 1525×1525", "pcs", 36),
            ("Wood pellets ENplus A1, big bag", "t", 250),
            ("Glulam beams, spruce GL30c", "m³", 560),
        ],
    }),
    "parts": ("34300000-0", "ZP", {
        "uk": [
            ("Фільтр паливний тонкого очищення", "шт", 14),
            ("Фільтр масляний двигуна", "шт", 11),
            ("Акумулятор 12 В 190 А·год", "шт", 150),
            ("Шина 710/70R42 для трактора", "шт", 1650),
            ("Підшипник 6206-2RS", "шт", 3.2),
            ("Ремінь клиновий SPB 2500", "шт", 16),
            ("Гідроциліндр ЦГ-80.40×200", "шт", 190),
            ("Колодки гальмівні для вантажівки", "компл.", 48),
        ],
        "pl": [
            ("Filtr paliwa do ciągnika", "szt.", 15),
            ("Akumulator 12V 180Ah", "szt.", 160),
            ("Łożysko 6205-2RS", "szt.", 3.1),
            ("Pasek klinowy SPB 2240", "szt.", 17),
            ("Opona 480/70R28", "szt.", 820),
            ("Siłownik hydrauliczny 63×300", "szt.", 150),
        ],
        "de": [
            ("Kraftstofffilter für Traktor", "Stk.", 18),
            ("Ölfilter Motor", "Stk.", 13),
            ("Keilriemen SPB 2500", "Stk.", 19),
            ("Rillenkugellager 6206-2RS", "Stk.", 4.0),
            ("Hydraulikzylinder 80/40×200", "Stk.", 230),
        ],
    }),
    "harvester": ("16000000-5", "KM", {
        "uk": [
            ("Сегмент ножа жатки комбайна", "шт", 1.4),
            ("Палець жатки", "шт", 4.2),
            ("Ланцюг похилої камери", "шт", 210),
            ("Бич молотильного барабана", "шт", 38),
            ("Решето очистки комбайна", "шт", 260),
            ("Диск борони сферичний 560 мм", "шт", 42),
            ("Лапа культиватора 270 мм", "шт", 7),
            ("Сошник сівалки", "шт", 24),
        ],
        "de": [
            ("Mähmesserklinge für Schneidwerk", "Stk.", 1.8),
            ("Schneidwerksfinger", "Stk.", 5.5),
            ("Eggenscheibe 560 mm", "Stk.", 52),
            ("Grubberschar 270 mm", "Stk.", 9),
        ],
    }),
    "packaging": ("19000000-6", "PK", {
        "uk": [
            ("Мішок поліпропіленовий 55×105 см, 50 кг", "шт", 0.16),
            ("Біг-бег 90×90×150 см, 1 т", "шт", 6.5),
            ("Стретч-плівка 500 мм × 20 мкм", "кг", 2.1),
            ("Плівка для силосу 12×50 м", "шт", 160),
            ("Шпагат пресувальний поліпропіленовий", "кг", 2.4),
            ("Сітка для обмотки тюків 1,23×3000 м", "шт", 135),
            ("Ящик гофрокартонний 600×400×400", "шт", 0.75),
        ],
        "pl": [
            ("Worek polipropylenowy 50 kg", "szt.", 0.18),
            ("Big bag 90×90×160 cm", "szt.", 7.0),
            ("Folia stretch 500 mm 23 µm", "kg", 2.3),
            ("Karton klapowy 600×400×400", "szt.", 0.85),
            ("Palety EPAL 1200×800", "szt.", 13),
        ],
        "et": [
            ("Stretch film 500 mm × 23 µm", "kg", 2.4),
            ("Wooden pallet EUR 1200×800", "pcs", 12),
            ("Big bag 90×90×120 cm", "pcs", 7.2),
            ("Corrugated box 600×400×300", "pcs", 0.8),
        ],
    }),
    "workwear": ("18100000-0", "SO", {
        "uk": [
            ("Костюм робочий утеплений", "шт", 35),
            ("Рукавиці трикотажні з ПВХ-крапкою", "пара", 0.35),
            ("Чоботи гумові", "пара", 9),
            ("Жилет сигнальний", "шт", 2.2),
            ("Каска захисна", "шт", 4),
            ("Окуляри захисні", "шт", 2.5),
            ("Респіратор FFP2", "шт", 0.9),
        ],
    }),
    "electrical": ("31000000-6", "EL", {
        "uk": [
            ("Кабель ВВГнг 3×2,5", "м", 0.9),
            ("Кабель АВВГ 4×16", "м", 2.1),
            ("Електродвигун АИР 11 кВт, 1500 об/хв", "шт", 360),
            ("Світильник світлодіодний 100 Вт IP65", "шт", 38),
            ("Автоматичний вимикач 3P 63 А", "шт", 12),
            ("Трансформатор ТМГ 250 кВА", "шт", 4800),
        ],
        "de": [
            ("Drehstrommotor 11 kW IE3", "Stk.", 520),
            ("LED-Hallenleuchte 150 W", "Stk.", 85),
            ("Kabel NYM-J 3×2,5", "m", 1.2),
            ("Leitungsschutzschalter 3P C63", "Stk.", 18),
        ],
    }),
}
# fmt: on

# What a supplier of each trade sells, in words for its profile ("… supplies X, Y and Z").
TRADE = {
    "uk": {
        "diesel": "дизельне паливо",
        "petrol": "бензини",
        "lpg": "скраплений газ",
        "lube": "мастила й технічні рідини",
        "fertiliser": "мінеральні добрива",
        "protection": "засоби захисту рослин",
        "seeds": "насіння зернових і олійних культур",
        "grain": "зерно й олійні",
        "feed": "комбікорми та кормові добавки",
        "oil": "рослинні олії",
        "rebar": "арматуру й сортовий прокат",
        "sheet": "листовий прокат",
        "pipes": "труби сталеві та поліетиленові",
        "cement": "цемент і стінові матеріали",
        "aggregates": "пісок і щебінь",
        "timber": "пиломатеріали й деревні плити",
        "parts": "запчастини до тракторів і вантажівок",
        "harvester": "запчастини до комбайнів і ґрунтообробної техніки",
        "packaging": "пакування: мішки, біг-беги, плівки",
        "workwear": "спецодяг і засоби захисту",
        "electrical": "кабель, електродвигуни й освітлення",
    },
    "ru": {
        "diesel": "дизельное топливо",
        "petrol": "бензины",
        "lpg": "сжиженный газ",
        "lube": "масла и технические жидкости",
        "fertiliser": "минеральные удобрения",
        "rebar": "арматуру и сортовой прокат",
        "sheet": "листовой прокат",
        "pipes": "стальные трубы",
    },
    "pl": {
        "diesel": "olej napędowy",
        "fertiliser": "nawozy mineralne",
        "seeds": "kwalifikowany materiał siewny",
        "feed": "pasze",
        "rebar": "stal zbrojeniową",
        "pipes": "rury stalowe i PE",
        "cement": "cement i materiały budowlane",
        "timber": "tarcicę i płyty drewnopochodne",
        "parts": "części do ciągników i maszyn rolniczych",
        "packaging": "opakowania: worki, big bagi, folie",
    },
    "de": {
        "lube": "Schmierstoffe",
        "protection": "Pflanzenschutzmittel",
        "seeds": "Saatgut",
        "sheet": "Stahlbleche und Flachstahl",
        "parts": "Ersatzteile für Traktoren",
        "harvester": "Verschleißteile für Mähdrescher und Bodenbearbeitung",
        "electrical": "Elektromotoren, Kabel und Beleuchtung",
    },
    "et": {
        "diesel": "diislikütust",
        "fertiliser": "mineraalväetisi",
        "seeds": "sertifitseeritud seemneid",
        "timber": "saematerjali ja puidugraanuleid",
        "packaging": "pakendeid ja kaubaaluseid",
    },
}
AND = {"uk": "і", "ru": "и", "pl": "i", "de": "und", "et": "ja"}
PROFILE = {
    "uk": "{name} постачає {goods}. Відвантаження зі складу в м. {city}, доставка власним і "
    "залученим автотранспортом по регіонах обслуговування. Ціни з ПДВ, документи якості на "
    "кожну партію, працюємо з {year} року.",
    "ru": "{name} поставляет {goods}. Отгрузка со склада в г. {city}, доставка автотранспортом "
    "и по железной дороге. Цены с НДС, документы качества на каждую партию, работаем с {year} года.",
    "pl": "{name} dostarcza {goods}. Wysyłka z magazynu w miejscowości {city}, transport własny "
    "i zewnętrzny. Ceny netto, faktura VAT, dokumenty jakości do każdej partii; na rynku od {year} r.",
    "de": "{name} liefert {goods}. Versand ab Lager {city}, eigene Fahrzeuge und Speditionen. "
    "Preise netto zzgl. MwSt., Qualitätsnachweise zu jeder Lieferung; seit {year} am Markt.",
    "et": "{name} tarnib {goods}. Kaup laost linnas {city}, transport oma ja partnerite autodega. "
    "Hinnad ilma käibemaksuta, kvaliteedidokumendid iga partiiga; tegutseme aastast {year}.",
}
PRODUCT_NOTE = {
    "uk": "Ціна з ПДВ за {unit}; відвантаження зі складу в м. {city}.",
    "ru": "Цена с НДС за {unit}; отгрузка со склада в г. {city}.",
    "pl": "Cena netto za {unit}; wysyłka z magazynu: {city}.",
    "de": "Nettopreis je {unit}; ab Lager {city}.",
    "et": "Price per {unit} excl. VAT; ex warehouse {city}.",
}
PRICE_LIST = {
    "uk": "Оптовий прайс-лист {year}",
    "ru": "Оптовый прайс-лист {year}",
    "pl": "Cennik hurtowy {year}",
    "de": "Großhandelspreisliste {year}",
    "et": "Hulgimüügi hinnakiri {year}",
}
# A certificate per trade and language (name, issuer); every other supplier also has ISO 9001.
ISO_9001 = ("ISO 9001:2015", "Bureau Veritas Certification")
CERTIFICATES = {
    "diesel": {
        "uk": ("Паспорт якості, ДСТУ 7688:2015", "ДП «Укрметртестстандарт»"),
        "ru": ("Декларация соответствия ТР ТС 013/2011", "Росаккредитация"),
        "pl": ("Świadectwo jakości EN 590", "SGS Polska"),
        "et": ("EN 590 quality certificate", "SGS Eesti"),
    },
    "fertiliser": {
        "uk": ("Сертифікат відповідності на мінеральні добрива", "ДП «Черкасистандартметрологія»"),
        "ru": ("Сертификат соответствия ГОСТ 2081-2010", "ООО «Регистр Сертификации»"),
        "pl": ("Certyfikat nawozu WE", "Instytut Nowych Syntez Chemicznych"),
        "et": ("EU fertiliser product conformity", "Eurofins"),
    },
    "seeds": {
        "uk": ("Сертифікат на насіння (сортові й посівні якості)", "Держпродспоживслужба"),
        "pl": ("Świadectwo oceny materiału siewnego", "PIORiN"),
        "de": ("Anerkennung Z-Saatgut", "Bayerische Landesanstalt für Landwirtschaft"),
        "et": ("Seed certification", "Põllumajandus- ja Toiduamet"),
    },
    "feed": {"uk": ("GMP+ FSA", "GMP+ International"), "pl": ("GMP+ FSA", "GMP+ International")},
    "rebar": {
        "uk": ("Сертифікат відповідності ДСТУ 3760:2019", "ДП «Дніпростандартметрологія»"),
        "ru": ("Сертификат соответствия ГОСТ 34028-2016", "ООО «Регистр Сертификации»"),
        "pl": ("Certyfikat zgodności EN 10080", "TÜV Rheinland Polska"),
    },
    "pipes": {
        "uk": ("Сертифікат відповідності ДСТУ EN 10255", "ДП «Харківстандартметрологія»"),
        "ru": ("Сертификат API 5L", "American Petroleum Institute"),
    },
    "sheet": {"de": ("Abnahmeprüfzeugnis 3.1 nach EN 10204", "TÜV SÜD")},
    "timber": {
        "uk": ("FSC Chain of Custody", "Preferred by Nature"),
        "pl": ("ENplus A1", "European Pellet Council"),
        "et": ("FSC Chain of Custody", "Preferred by Nature"),
    },
    "packaging": {"uk": ("FSSC 22000 (пакування для харчових продуктів)", "TÜV Rheinland")},
    "parts": {"de": ("ISO/TS 16949", "DEKRA Certification")},
}

# The suppliers: legal name, country, city, trades, regions served, the year they started.
# fmt: off
SUPPLIERS = [
    ("ТОВ «Укрнафтопостач»", "UA", "Київ", "diesel petrol lube", "UA-30 UA-32 UA-18 UA-74", 2004),
    ("ТОВ «Південь Паливо Трейд»", "UA", "Одеса", "diesel lpg", "UA-51 UA-48 UA-65", 2011),
    ("ПП «Полтаванафтозбут»", "UA", "Полтава", "diesel petrol lube", "UA-53 UA-59 UA-63", 1998),
    ("ТОВ «Західна Енергетична Компанія»", "UA", "Львів", "diesel lpg petrol", "UA-46 UA-07 UA-56 UA-61", 2009),
    ("ТОВ «Агрохім Центр»", "UA", "Вінниця", "fertiliser protection", "UA-05 UA-68 UA-71", 2007),
    ("ТОВ «Добрива Плюс»", "UA", "Черкаси", "fertiliser", "UA-71 UA-35 UA-32", 2015),
    ("ТОВ «Степові Агрохімікати»", "UA", "Миколаїв", "fertiliser protection", "UA-48 UA-65 UA-51", 2012),
    ("ТОВ «Насіннєва компанія „Колос“»", "UA", "Кропивницький", "seeds", "UA", 2001),
    ("ТОВ «Агросем Україна»", "UA", "Київ", "seeds protection", "UA", 2010),
    ("ФГ «Золотий Колос»", "UA", "Лубни", "grain seeds", "UA-53", 2003),
    ("ТОВ «Зернотрейд Схід»", "UA", "Харків", "grain feed", "UA-63 UA-59", 2014),
    ("ТОВ «Комбікормовий завод „Надія“»", "UA", "Житомир", "feed", "UA-18 UA-56 UA-05", 1996),
    ("ТОВ «Олійний Дім»", "UA", "Запоріжжя", "oil feed", "UA-23 UA-12", 2008),
    ("ТОВ «Криворізький Металопрокат»", "UA", "Кривий Ріг", "rebar sheet", "UA-12 UA-23 UA-35", 2002),
    ("ТОВ «Метал Холдинг Захід»", "UA", "Львів", "rebar sheet pipes", "UA-46 UA-26 UA-21", 2006),
    ("ТОВ «Харківський Трубний Центр»", "UA", "Харків", "pipes", "UA", 2000),
    ("ТОВ «Будівельні Матеріали Поділля»", "UA", "Хмельницький", "cement aggregates", "UA-68 UA-61 UA-05", 2013),
    ("ТОВ «Цемент Трейд Київ»", "UA", "Київ", "cement aggregates rebar", "UA-30 UA-32", 2016),
    ("ТОВ «Карпатський Ліс»", "UA", "Івано-Франківськ", "timber packaging", "UA-26 UA-46 UA-77", 2005),
    ("ТОВ «Поліська Деревина»", "UA", "Рівне", "timber", "UA-56 UA-07 UA-18", 2010),
    ("ТОВ «Агрозапчастина»", "UA", "Тернопіль", "parts harvester", "UA", 1999),
    ("ТОВ «Трактор Сервіс Схід»", "UA", "Дніпро", "parts harvester", "UA-12 UA-23 UA-63", 2012),
    ("ТОВ «Пакувальні Рішення»", "UA", "Київ", "packaging", "UA", 2017),
    ("ТОВ «Полімер Пак»", "UA", "Чернігів", "packaging", "UA-74 UA-32 UA-59", 2011),
    ("ТОВ «Спецодяг Україна»", "UA", "Суми", "workwear", "UA", 2008),
    ("ТОВ «Електропостач Дніпро»", "UA", "Дніпро", "electrical", "UA-12 UA-53", 2004),
    ("ТОВ «Агро Ресурс Північ»", "UA", "Суми", "fertiliser seeds protection diesel", "UA-59 UA-74", 2018),
    ("ТОВ «Буковина Агро»", "UA", "Чернівці", "seeds fertiliser", "UA-77 UA-26", 2009),
    ("ООО «Волганефтепродукт»", "RU", "Самара", "diesel petrol lube", "RU-SAM RU-ULY RU-PNZ", 2003),
    ("АО «Уралтрубсталь»", "RU", "Челябинск", "pipes sheet", "RU", 1995),
    ("ООО «Агрохимснаб Юг»", "RU", "Краснодар", "fertiliser", "RU-KDA RU-ROS RU-STA", 2006),
    ("ООО «Металлторг Северо-Запад»", "RU", "Санкт-Петербург", "rebar sheet", "RU-SPE RU-LEN", 2010),
    ("Agro-Nasiona sp. z o.o.", "PL", "Poznań", "seeds fertiliser feed", "PL UA-07 UA-46", 2002),
    ("Opakowania Bałtyk sp. z o.o.", "PL", "Gdańsk", "packaging timber", "PL-22 PL-28 PL-32", 2012),
    ("Stal-Rur Polska S.A.", "PL", "Katowice", "pipes rebar cement", "PL", 1997),
    ("Części Rolnicze Lublin sp. z o.o.", "PL", "Lublin", "parts", "PL-06 UA-07 UA-46", 2005),
    ("Balti Agrovarustus OÜ", "EE", "Tartu", "seeds fertiliser diesel", "EE LV LT", 2008),
    ("Saaremaa Puit OÜ", "EE", "Kuressaare", "timber packaging", "EE FI LV", 2001),
    ("Landtechnik Teile Nord GmbH", "DE", "Hamburg", "parts harvester lube", "DE PL UA", 1992),
    ("Agrarhandel Süd GmbH", "DE", "München", "seeds protection sheet electrical", "DE AT", 1988),
]
# fmt: on
