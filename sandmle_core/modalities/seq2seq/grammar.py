"""The sentence grammar of the sequence-to-sequence family: it writes semiotic tokens and reads them aloud.

`sentence(rule, rng)` draws one sentence as (class, before, after, oracle) rows, every draw from `rng`: plain words,
commas, a closing full stop, and semiotic tokens made by one maker per (language, class), each of which writes a
common or (with probability `rule.rare_share`) a rare format and reads it with `verbalize`. Ambiguous numbers come
with or without the context that selects their year reading (see `rule`). The oracle is the noise-free reading;
`after` differs from it only under label noise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sandmle_core.modalities.seq2seq import verbalize as v
from sandmle_core.modalities.seq2seq.rule import Seq2SeqRule

__all__ = ["EN_CONTEXT", "LETTERS", "RU_CONTEXT", "RU_PLAIN", "opts_of", "sentence"]

EN_CONTEXT = ("in", "since", "by", "until")
"""English words after which a four-digit number is a year."""
RU_CONTEXT = "году"
"""The Russian word before which a four-digit number is a (prepositional) year."""
RU_PLAIN = tuple(["город", "дом", "работа", "вода", "время", "люди", "страна", "проект", "отчет", "поезд", "станция",
                  "школа", "улица", "машина", "врач", "письмо", "книга", "новость", "компания", "район", "завод",
                  "музей", "театр", "парк", "мост", "берег", "река", "поле", "сад", "лес", "магазин", "рынок", "центр",
                  "вокзал", "больница", "клиника", "служба", "отдел", "договор"])
"""Plain Russian words (the catalog's vocabularies are English)."""

Maker = Callable[[np.random.Generator, dict, bool], tuple[str, str]]
_LETTERS_EN = "ABCDEFGHJKLMNPRSTUVW"
_LETTERS_RU = "АБВГДЕКЛМНОПРСТУФ"
LETTERS = {"en": _LETTERS_EN, "ru": _LETTERS_RU}


def _i(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high + 1))


def _en_cardinal(rng, o, rare):
    if not rare:
        n = _i(rng, 0, 31) if rng.random() < 0.5 else _i(rng, 0, 999)  # small numbers recur, as in real text
        return str(n), v.en_cardinal(n, o)
    if rng.random() < 0.3:
        n = _i(rng, 1, 99)
        return f"-{n}", "minus " + v.en_cardinal(n, o)
    n = _i(rng, 1, 99) * 1000 + _i(rng, 0, 2) * _i(rng, 0, 999)
    return f"{n:,}", v.en_cardinal(n, o)


def _en_ordinal(rng, o, rare):
    n = _i(rng, 32, 199) if rare else _i(rng, 1, 31)
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}", v.en_ordinal(n, o)


def _en_date(rng, o, rare):
    m, d, y = _i(rng, 1, 12), _i(rng, 1, 28), _i(rng, 1950, 2025)
    month = v.EN_MONTHS[m - 1]
    if not rare:
        return f"{month.capitalize()} {d}, {y}", f"{month} {v.en_ordinal(d, o)} {v.en_year(y, o)}"
    if rng.random() < 0.5:
        return f"{d} {month.capitalize()} {y}", f"the {v.en_ordinal(d, o)} of {month} {v.en_year(y, o)}"
    return f"{m:02d}/{d:02d}/{y}", f"{month} {v.en_ordinal(d, o)} {v.en_year(y, o)}"


def _en_time(rng, o, rare):
    h, m = _i(rng, 1, 12), int(rng.choice([0, 5, 10, 15, 20, 30, 45, 7, 3]))
    words = v.en_cardinal(h, o) + (" o'clock" if m == 0 else (" o " + v.EN_ONES[m] if m < 10 else
                                                             " " + v.en_cardinal(m, o)))
    if rare:
        half = "am" if rng.random() < 0.5 else "pm"
        return f"{h}:{m:02d}{half}", words.replace(" o'clock", "") + f" {half[0]} m"
    return f"{h}:{m:02d}", words


def _en_money(rng, o, rare):
    sign = str(rng.choice(list(v.EN_MONEY)))
    unit, cent = v.EN_MONEY[sign]
    n = _i(rng, 1, 999)
    words = v.en_cardinal(n, o) + " " + unit + ("" if n == 1 else "s")
    if not rare:
        return f"{sign}{n}", words
    c = _i(rng, 1, 99)
    cents = "pence" if cent == "penny" and c > 1 else cent + ("" if c == 1 else "s")
    return f"{sign}{n}.{c:02d}", f"{words} {v.en_cardinal(c, o)} {cents}"


def _en_measure(rng, o, rare):
    unit = str(rng.choice([*v.EN_UNITS, *v.EN_PLAIN_UNITS]))
    if rare:
        whole, frac = _i(rng, 0, 99), _i(rng, 1, 9)
        value, words, one = f"{whole}.{frac}", f"{v.en_cardinal(whole, o)} point {v.EN_ONES[frac]}", False
    else:
        n = _i(rng, 1, 999)
        value, words, one = str(n), v.en_cardinal(n, o), n == 1
    if unit in v.EN_PLAIN_UNITS:
        return f"{value}{unit}" if unit == "%" else f"{value} {unit}", f"{words} {v.EN_PLAIN_UNITS[unit]}"
    name = v.EN_UNITS[unit][int(bool(o.get("british")))]
    return f"{value} {unit}", f"{words} {name}{'' if one else 's'}"


def _letters(rng: np.random.Generator, rule: Seq2SeqRule, rare: bool) -> str:
    """One of the text's own abbreviations (Zipf-weighted), or under a rare format a new one."""
    if not rare:
        weights = 1.0 / np.arange(1, len(rule.abbreviations) + 1)
        return rule.abbreviations[int(rng.choice(len(weights), p=weights / weights.sum()))]
    return "".join(rng.choice(list(_LETTERS_EN if rule.language == "en" else _LETTERS_RU), _i(rng, 2, 4)))


def _en_letters(rng, o, rare):
    letters = _letters(rng, o["rule"], rare)
    dotted = rare and rng.random() < 0.5
    return ("".join(c + "." for c in letters) if dotted else letters), " ".join(letters.lower())


def _en_telephone(rng, o, rare):
    digits = "".join(str(_i(rng, 0, 9)) for _ in range(10 if rare else 7))
    text = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if rare else f"{digits[:3]}-{digits[3:]}"
    return text, v.en_digits(text, o)


def _en_decimal(rng, o, rare):
    frac = "".join(str(_i(rng, 0, 9)) for _ in range(_i(rng, 1, 2))) + str(_i(rng, 1, 9))
    if rare:
        return f".{frac}", "point " + v.en_digits(frac, o)
    whole = _i(rng, 0, 99)
    return f"{whole}.{frac}", f"{v.en_cardinal(whole, o)} point {v.en_digits(frac, o)}"


def _ru_cardinal(rng, o, rare):
    n = _i(rng, 1000, 99999) if rare else (_i(rng, 0, 31) if rng.random() < 0.5 else _i(rng, 0, 999))
    return str(n), v.ru_cardinal(n)


def _ru_ordinal(rng, o, rare):
    n = _i(rng, 1, 99)
    return (f"{n}-го", v.ru_ordinal(n, "gen")) if rare else (f"{n}-й", v.ru_ordinal(n))


def _ru_date(rng, o, rare):
    d, m, y = _i(rng, 1, 28), _i(rng, 1, 12), _i(rng, 1950, 2025)
    month = v.RU_MONTHS[m - 1]
    if rare:
        return f"{d} {month} {y} года", f"{v.ru_ordinal(d, 'gen')} {month} {v.ru_ordinal(y, 'gen')} года"
    if rng.random() < 0.5:
        return f"{y} год", f"{v.ru_ordinal(y)} год"
    return f"{d} {month}", f"{v.ru_ordinal(d, 'neut')} {month}"


def _ru_time(rng, o, rare):
    h = _i(rng, 1, 23)
    if rare:
        return f"{h}:00", f"{v.ru_cardinal(h)} {v.ru_plural(h, ('час', 'часа', 'часов'))}"
    m = int(rng.choice([5, 10, 15, 20, 30, 45, 7]))
    return f"{h}:{m:02d}", v.ru_cardinal(h) + (" ноль " + v.RU_ONES[m] if m < 10 else " " + v.ru_cardinal(m))


def _ru_counted(table: dict, prefix: bool) -> Maker:
    def make(rng, o, rare):
        key = str(rng.choice(list(table)))
        n = _i(rng, 1000, 99999) if rare else _i(rng, 1, 999)
        before = f"${n}" if prefix and key == "$" else (f"{n}{key}" if key == "%" else f"{n} {key}")
        return before, f"{v.ru_cardinal(n)} {v.ru_plural(n, table[key])}"
    return make


def _ru_letters(rng, o, rare):
    letters = _letters(rng, o["rule"], rare)
    return letters, " ".join(letters.lower())


def _ru_telephone(rng, o, rare):
    digits = "".join(str(_i(rng, 0, 9)) for _ in range(10 if rare else 7))
    text = f"8-{digits[:3]}-{digits[3:6]}-{digits[6:]}" if rare else f"{digits[:3]}-{digits[3:]}"
    return text, v.ru_digits(text)


MAKERS: dict[str, dict[str, Maker]] = {
    "en": {"CARDINAL": _en_cardinal, "ORDINAL": _en_ordinal, "DATE": _en_date, "TIME": _en_time,
           "MONEY": _en_money, "MEASURE": _en_measure, "LETTERS": _en_letters, "TELEPHONE": _en_telephone,
           "DECIMAL": _en_decimal},
    "ru": {"CARDINAL": _ru_cardinal, "ORDINAL": _ru_ordinal, "DATE": _ru_date, "TIME": _ru_time,
           "MONEY": _ru_counted(v.RU_MONEY, True), "MEASURE": _ru_counted(v.RU_UNITS, False),
           "LETTERS": _ru_letters, "TELEPHONE": _ru_telephone},
}


def opts_of(rule: Seq2SeqRule) -> dict:
    """The verbalizer conventions of a rule, as `verbalize` takes them."""
    return {"and": rule.use_and, "british": rule.british, "zero": rule.zero}


def _ambiguous(rule: Seq2SeqRule, rng: np.random.Generator, o: dict) -> list[tuple[str, str, str]]:
    """A four-digit number with (year reading) or without (cardinal reading) its selecting context."""
    n, year = _i(rng, 1100, 2099), rng.random() < 0.5
    word = str(rng.choice(rule.plain_words))
    if rule.language == "en":
        if year:
            return [("PLAIN", str(rng.choice(EN_CONTEXT)), ""), ("DATE", str(n), v.en_year(n, o))]
        return [("CARDINAL", str(n), v.en_cardinal(n, o)), ("PLAIN", word, "")]
    if year:
        return [("DATE", str(n), v.ru_ordinal(n, "prep")), ("PLAIN", RU_CONTEXT, "")]
    return [("PLAIN", word, ""), ("CARDINAL", str(n), v.ru_cardinal(n))]


def _noisy(before: str, rule: Seq2SeqRule, o: dict) -> str:
    digits = "".join(c for c in before if c.isdigit())
    return v.en_digits(digits, o) if rule.language == "en" else v.ru_digits(digits)


def sentence(rule: Seq2SeqRule, rng: np.random.Generator) -> list[tuple[str, str, str, str]]:
    """One sentence as (class, before, after, oracle) rows; plain words and punctuation read as themselves."""
    o = {**opts_of(rule), "rule": rule}
    classes = sorted(rule.class_weights)
    weights = np.array([rule.class_weights[c] for c in classes])
    length = _i(rng, *rule.sentence_range)
    rows: list[tuple[str, str, str]] = []
    while len(rows) < length - 1:
        u = rng.random()
        if u < rule.ambiguous_share:
            rows += _ambiguous(rule, rng, o)
        elif u < rule.ambiguous_share + rule.nonplain_share:
            cls = classes[int(rng.choice(len(classes), p=weights / weights.sum()))]
            rows.append((cls, *MAKERS[rule.language][cls](rng, o, bool(rng.random() < rule.rare_share))))
        elif u > 0.94 and rows and rows[-1][1] != ",":
            rows.append(("PUNCT", ",", ""))
        else:
            rows.append(("PLAIN", str(rng.choice(rule.plain_words)), ""))
    rows.append(("PUNCT", ".", ""))  # not cut short: an ambiguous number keeps its context
    out = []
    for cls, before, spoken in rows:
        oracle = spoken or before
        noisy = rng.random() < rule.label_noise and any(c.isdigit() for c in before)  # a digit reading exists
        out.append((cls, before, _noisy(before, rule, o) if noisy else oracle, oracle))
    return out
