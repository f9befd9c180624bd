"""The body every text-normalization ladder script shares, after its header and the embedded verbalizer.

It is script source, kept as a string (ladder.py pastes it in): read the tables, learn memory and conventions from
the training pairs, read each test token by the rules its `LEVEL` allows, write the submission.
"""

BODY = r'''
# --- reading the tables (every cell is text: "NA" and "null" are tokens, not missing values) ---
train = pd.read_csv("public/train.csv", dtype=str, keep_default_na=False)
test = pd.read_csv("public/test.csv", dtype=str, keep_default_na=False)
if SUBSAMPLE:
    keep = np.random.RandomState(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))]
    train = train.iloc[np.sort(keep)].reset_index(drop=True)
RU = bool(train["before"].str.contains("[а-яА-Я]").mean() > 0.2)

memory = defaultdict(Counter)
for b, a in zip(train["before"], train[TARGET]):
    memory[b][a] += 1


def remembered(tok):
    return memory[tok].most_common(1)[0][0] if tok in memory else None


# --- conventions learned from the training pairs ---
spoken = " " + " ".join(train[TARGET]) + " "
OPTS = {"and": " hundred and " in spoken or " thousand and " in spoken,
        "british": "metre" in spoken or "kilogramme" in spoken or "millilitre" in spoken,
        "zero": "zero" if spoken.count(" zero ") > spoken.count(" o ") else "o"}
MONTHS_EN = {m[:3]: m for m in EN_MONTHS}


def spell(letters):
    return " ".join(c.lower() for c in letters if c.isalpha())


def digits(text):
    return ru_digits(text) if RU else en_digits(text, OPTS)


def card(n):
    return ru_cardinal(n) if RU else en_cardinal(n, OPTS)


def counted(n, forms):
    return f"{card(n)} {ru_plural(n, forms)}"


def common_readings(tok):
    """Readings of the common formats (level 3 on); a four-digit number has two: cardinal first, then year."""
    m = re.fullmatch(r"\d+", tok)
    if m:
        n = int(tok)
        out = [card(n)]
        if len(tok) == 4 and 1000 <= n < 2100:
            out.append(ru_ordinal(n, "prep") if RU else en_year(n, OPTS))
        return out
    if RU:
        if m := re.fullmatch(r"(\d+)-й", tok):
            return [ru_ordinal(int(m[1]))]
        if m := re.fullmatch(r"(\d+) (\w+)", tok):
            n, word = int(m[1]), m[2]
            if word in RU_MONTHS:
                return [f"{ru_ordinal(n, 'neut')} {word}"]
            if word == "год":
                return [f"{ru_ordinal(n)} год"]
            if word in RU_UNITS:
                return [counted(n, RU_UNITS[word])]
        if m := re.fullmatch(r"(\d+) руб\.", tok):
            return [counted(int(m[1]), RU_MONEY["руб."])]
        if m := re.fullmatch(r"\$(\d+)", tok):
            return [counted(int(m[1]), RU_MONEY["$"])]
        if m := re.fullmatch(r"(\d+)%", tok):
            return [counted(int(m[1]), RU_UNITS["%"])]
        if m := re.fullmatch(r"(\d+):(\d\d)", tok):
            h, mi = int(m[1]), int(m[2])
            if mi:
                return [card(h) + (" ноль " + RU_ONES[mi] if mi < 10 else " " + card(mi))]
        return []
    if m := re.fullmatch(r"(\d+)(st|nd|rd|th)", tok):
        return [en_ordinal(int(m[1]), OPTS)]
    if m := re.fullmatch(r"([A-Z][a-z]+) (\d+), (\d{4})", tok):
        if m[1].lower()[:3] in MONTHS_EN:
            return [f"{MONTHS_EN[m[1].lower()[:3]]} {en_ordinal(int(m[2]), OPTS)} {en_year(int(m[3]), OPTS)}"]
    if m := re.fullmatch(r"(\d+):(\d\d)", tok):
        h, mi = int(m[1]), int(m[2])
        return [card(h) + (" o'clock" if mi == 0 else (" o " + EN_ONES[mi] if mi < 10 else " " + card(mi)))]
    if m := re.fullmatch(r"([$£€])(\d+)", tok):
        n, unit = int(m[2]), EN_MONEY[m[1]][0]
        return [f"{card(n)} {unit}{'' if n == 1 else 's'}"]
    if m := re.fullmatch(r"(\d+)(%| mph)", tok):
        return [f"{card(int(m[1]))} {EN_PLAIN_UNITS[m[2].strip()]}"]
    if m := re.fullmatch(r"(\d+) ([a-z]+)", tok):
        if m[2] in EN_UNITS:
            n = int(m[1])
            return [f"{card(n)} {EN_UNITS[m[2]][int(OPTS['british'])]}{'' if n == 1 else 's'}"]
    if m := re.fullmatch(r"(\d+)\.(\d+)", tok):
        return [f"{card(int(m[1]))} point {digits(m[2])}"]
    return []


def rare_readings(tok):
    """Readings of the rare formats (level 5)."""
    if RU:
        if m := re.fullmatch(r"(\d+)-го", tok):
            return [ru_ordinal(int(m[1]), "gen")]
        if m := re.fullmatch(r"(\d+) (\w+) (\d{4}) года", tok):
            if m[2] in RU_MONTHS:
                return [f"{ru_ordinal(int(m[1]), 'gen')} {m[2]} {ru_ordinal(int(m[3]), 'gen')} года"]
        if m := re.fullmatch(r"(\d+):00", tok):
            return [counted(int(m[1]), ("час", "часа", "часов"))]
        return []
    if m := re.fullmatch(r"-(\d+)", tok):
        return ["minus " + card(int(m[1]))]
    if re.fullmatch(r"\d{1,3}(,\d{3})+", tok):
        return [card(int(tok.replace(",", "")))]
    if m := re.fullmatch(r"(\d+) ([A-Z][a-z]+) (\d{4})", tok):
        if m[2].lower()[:3] in MONTHS_EN:
            return [f"the {en_ordinal(int(m[1]), OPTS)} of {m[2].lower()} {en_year(int(m[3]), OPTS)}"]
    if m := re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", tok):
        return [f"{EN_MONTHS[int(m[1]) - 1]} {en_ordinal(int(m[2]), OPTS)} {en_year(int(m[3]), OPTS)}"]
    if m := re.fullmatch(r"(\d+):(\d\d)(am|pm)", tok):
        h, mi = int(m[1]), int(m[2])
        words = card(h) + ("" if mi == 0 else (" o " + EN_ONES[mi] if mi < 10 else " " + card(mi)))
        return [f"{words} {m[3][0]} m"]
    if m := re.fullmatch(r"([$£€])(\d+)\.(\d\d)", tok):
        n, c = int(m[2]), int(m[3])
        unit, cent = EN_MONEY[m[1]]
        cents = "pence" if cent == "penny" and c > 1 else cent + ("" if c == 1 else "s")
        return [f"{card(n)} {unit}{'' if n == 1 else 's'} {card(c)} {cents}"]
    if m := re.fullmatch(r"(\d+)\.(\d) ([a-z]+)", tok):
        if m[3] in EN_UNITS or m[3] == "mph":
            unit = EN_PLAIN_UNITS["mph"] if m[3] == "mph" else EN_UNITS[m[3]][int(OPTS["british"])] + "s"
            return [f"{card(int(m[1]))} point {EN_ONES[int(m[2])]} {unit}"]
    if m := re.fullmatch(r"(\d+)\.(\d)%", tok):
        return [f"{card(int(m[1]))} point {EN_ONES[int(m[2])]} percent"]
    if m := re.fullmatch(r"\.(\d+)", tok):
        return ["point " + digits(m[1])]
    return []


def regex_reading(tok):
    """Per-class regex rules without numbers (level 2 on): letters spelt out, telephones read digit by digit."""
    if re.fullmatch(r"[A-ZА-Я]{2,5}", tok) or re.fullmatch(r"([A-Z]\.){2,5}", tok):
        return spell(tok)
    if re.fullmatch(r"(8-)?(\(\d{3}\) |\d{3}-)?\d{3}-\d{2,4}(-\d+)?", tok) and len(re.sub(r"\D", "", tok)) >= 7:
        return digits(tok)
    return None


# --- the context classifier: which reading a number with several takes, from its neighbours ---
def context(words, i):
    prev = words[i - 1].lower() if i > 0 else "<s>"
    nxt = words[i + 1].lower() if i + 1 < len(words) else "</s>"
    return {"prev=" + prev: 1, "next=" + nxt: 1}


def sentences(frame):
    return [list(g["before"]) for _, g in frame.groupby("sentence_id", sort=False)]


chooser = None
if LEVEL >= 4:
    feats, labels = [], []
    for (_, g), words in zip(train.groupby("sentence_id", sort=False), sentences(train)):
        for i, (tok, after) in enumerate(zip(g["before"], g[TARGET])):
            options = common_readings(tok)
            if len(options) > 1 and after in options:
                feats.append(context(words, i))
                labels.append(options.index(after))
    if len(set(labels)) > 1:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vec = DictVectorizer()
        model = LogisticRegression(C=3.0, max_iter=500).fit(vec.fit_transform(feats), labels)
        chooser = lambda f: int(model.predict(vec.transform([f]))[0])  # noqa: E731
    elif labels:
        chooser = lambda f, k=Counter(labels).most_common(1)[0][0]: k  # noqa: E731


def predict(tok, words, i):
    if LEVEL == 0:
        return tok
    mem = remembered(tok)
    if LEVEL == 1:
        return mem if mem is not None else tok
    has_digit = any(c.isdigit() for c in tok)
    if LEVEL >= 3 and has_digit:
        options = common_readings(tok) or (rare_readings(tok) if LEVEL >= 5 else [])
        if options:
            if len(options) > 1 and chooser is not None:
                return options[chooser(context(words, i))]
            return options[0]
    if mem is not None and (LEVEL < 5 or not has_digit or len(memory[tok]) == 1):
        return mem
    rule = regex_reading(tok)
    if rule is not None:
        return rule
    return mem if mem is not None else tok


rows = []
for (_, g), words in zip(test.groupby("sentence_id", sort=False), sentences(test)):
    for i, (ident, tok) in enumerate(zip(g[ID], g["before"])):
        rows.append((ident, predict(tok, words, i)))
pd.DataFrame(rows, columns=[ID, SUBMISSION]).to_csv("submission.csv", index=False)
'''
