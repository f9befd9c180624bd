"""The verbalizer of the sequence-to-sequence family: written tokens → spoken form, in English and in Russian.

It is the hidden normalisation grammar's engine (the synthesizer reads every `after` through it) and, copied into
the ladder's scripts as plain source, the rule verbalizer those scripts use — so this module imports only the
standard library and keeps every convention of one environment in `opts` (a dict, which the scripts learn from the
training pairs rather than read from the rule): `and` (English "one hundred and five"), `british` (kilometres),
`zero` (how a telephone 0 is read, "o" or "zero"). Russian is kept simple but correct: nominative cardinals with
noun agreement (один километр, два километра, пять километров), ordinals by case, dates with month names.
"""

from __future__ import annotations

EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
           "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december"]
EN_ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
          "twelve": "twelfth"}
EN_UNITS = {"km": ("kilometer", "kilometre"), "kg": ("kilogram", "kilogramme"), "m": ("meter", "metre"),
            "cm": ("centimeter", "centimetre"), "ml": ("milliliter", "millilitre"), "mg": ("milligram", "milligramme")}
EN_PLAIN_UNITS = {"%": "percent", "mph": "miles per hour"}
EN_MONEY = {"$": ("dollar", "cent"), "£": ("pound", "penny"), "€": ("euro", "cent")}
RU_ONES = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
           "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать",
           "восемнадцать", "девятнадцать"]
RU_TENS = ["_", "_", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
           "девяносто"]
RU_HUNDREDS = ["_", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"]
RU_ORD = {  # masculine nominative ordinals of the words a number ends in
    "один": "первый", "два": "второй", "три": "третий", "четыре": "четвертый", "пять": "пятый", "шесть": "шестой",
    "семь": "седьмой", "восемь": "восьмой", "девять": "девятый", "десять": "десятый", "одиннадцать": "одиннадцатый",
    "двенадцать": "двенадцатый", "тринадцать": "тринадцатый", "четырнадцать": "четырнадцатый",
    "пятнадцать": "пятнадцатый", "шестнадцать": "шестнадцатый", "семнадцать": "семнадцатый",
    "восемнадцать": "восемнадцатый", "девятнадцать": "девятнадцатый", "двадцать": "двадцатый",
    "тридцать": "тридцатый", "сорок": "сороковой", "пятьдесят": "пятидесятый", "шестьдесят": "шестидесятый",
    "семьдесят": "семидесятый", "восемьдесят": "восьмидесятый", "девяносто": "девяностый", "сто": "сотый",
    "двести": "двухсотый", "триста": "трехсотый", "четыреста": "четырехсотый", "пятьсот": "пятисотый",
    "шестьсот": "шестисотый", "семьсот": "семисотый", "восемьсот": "восьмисотый", "девятьсот": "девятисотый"}
RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
             "декабря"]
RU_UNITS = {"км": ("километр", "километра", "километров"), "кг": ("килограмм", "килограмма", "килограммов"),
            "м": ("метр", "метра", "метров"), "%": ("процент", "процента", "процентов")}
RU_MONEY = {"$": ("доллар", "доллара", "долларов"), "руб.": ("рубль", "рубля", "рублей")}


def en_cardinal(n: int, opts: dict) -> str:
    """English words of 0 <= n < 10**9 ("one hundred and five" when opts["and"])."""
    if n < 20:
        return EN_ONES[n]
    if n < 100:
        return EN_TENS[n // 10] + ("" if n % 10 == 0 else " " + EN_ONES[n % 10])
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else (" and " if opts.get("and") else " ") + en_cardinal(rest, opts)
        return EN_ONES[n // 100] + " hundred" + tail
    for size, name in ((10**6, "million"), (1000, "thousand")):
        if n >= size:
            rest = n % size
            head = en_cardinal(n // size, opts) + " " + name
            if rest == 0:
                return head
            joint = " and " if opts.get("and") and rest < 100 else " "
            return head + joint + en_cardinal(rest, opts)
    raise ValueError(n)


def en_ordinal(n: int, opts: dict) -> str:
    words = en_cardinal(n, opts).split()
    last = words[-1]
    words[-1] = EN_ORD.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return " ".join(words)


def en_year(n: int, opts: dict) -> str:
    """A year read in pairs: 1999 nineteen ninety nine, 1905 nineteen o five, 2008 two thousand eight."""
    high, low = divmod(n, 100)
    if 2000 <= n < 2010:
        return "two thousand" + ("" if n == 2000 else " " + EN_ONES[n - 2000])
    if low == 0:
        return en_cardinal(high, opts) + " hundred"
    return en_cardinal(high, opts) + " " + (("o " + EN_ONES[low]) if low < 10 else en_cardinal(low, opts))


def en_digits(text: str, opts: dict) -> str:
    """A digit string read digit by digit ("0" as opts["zero"]); "-" and spaces become "sil"."""
    out = []
    for ch in text:
        if ch.isdigit():
            out.append(opts.get("zero", "o") if ch == "0" else EN_ONES[int(ch)])
        elif ch in "- )" and out and out[-1] != "sil":
            out.append("sil")
    return " ".join(out)


def ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    """The noun form a Russian number takes: 1 километр, 2 километра, 5 километров (11–14 take the third)."""
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def ru_cardinal(n: int, opts: dict | None = None) -> str:
    """Russian nominative words of 0 <= n < 10**6 (тысяча is feminine: одна тысяча → тысяча, две тысячи)."""
    if n == 0:
        return RU_ONES[0]
    words: list[str] = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        if thousands > 1:
            head = ru_cardinal(thousands).split()
            head[-1] = {"один": "одна", "два": "две"}.get(head[-1], head[-1])
            words += head
        words.append(ru_plural(thousands, ("тысяча", "тысячи", "тысяч")))
    if rest >= 100:
        words.append(RU_HUNDREDS[rest // 100])
        rest %= 100
    if rest >= 20:
        words.append(RU_TENS[rest // 10])
        rest %= 10
    if rest:
        words.append(RU_ONES[rest])
    return " ".join(words)


def ru_ordinal(n: int, case: str = "nom") -> str:
    """Masculine ordinal in a case: nom (первый), neut (первое), gen (первого), prep (первом)."""
    words = ru_cardinal(n).split()
    words, last = words[:-1], words[-1]
    if last in ("тысяча", "тысячи", "тысяч"):  # 1000 тысячный, 2000 двухтысячный, 5000 пятитысячный
        head = {"": "", "две": "двух", "три": "трех", "четыре": "четырех", "пять": "пяти"}
        prefix = words.pop() if words and words[-1] in head else ""
        last = head[prefix] + "тысячный"
    else:
        last = RU_ORD[last]
    stem, end = last[:-2], last[-2:]
    soft = end == "ий"  # третий → третье, третьего, третьем
    forms = {"nom": end, "neut": "ье" if soft else "ое", "gen": "ьего" if soft else "ого",
             "prep": "ьем" if soft else "ом"}
    return " ".join([w for w in words if w] + [stem + forms[case]])


def ru_digits(text: str, opts: dict | None = None) -> str:
    out = []
    for ch in text:
        if ch.isdigit():
            out.append(RU_ONES[int(ch)])
        elif ch in "- )" and out and out[-1] != "sil":
            out.append("sil")
    return " ".join(out)
