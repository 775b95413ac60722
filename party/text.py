"""Vietnamese text helpers: diacritic-free search keys and name sort keys."""

import unicodedata

# Vietnamese letter order; tones are a secondary difference (see sort_key).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {letter: f"{i + 1:02d}" for i, letter in enumerate(_ALPHABET)}
_OTHER_CODE = "99"
_WORD_BREAK = "00"
# Order of tones in Vietnamese dictionaries: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a distinct letter rather than a tone: ă â ê ô ơ ư.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def clean_name(value: str) -> str:
    """NFC, single spaces, no surrounding blanks."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def search_key(value: str) -> str:
    """Lower-case ASCII without diacritics: "Nguyễn Văn Đạt" -> "nguyen van dat"."""
    decomposed = unicodedata.normalize("NFD", value or "").replace("đ", "d").replace("Đ", "d")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def _split_letter(char: str) -> tuple[str, str]:
    """("ệ") -> ("ê", "5"): the base letter with its letter marks, and the tone digit."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0] + "".join(m for m in decomposed[1:] if m in _LETTER_MARKS)
    tone = next((_TONE_MARKS[m] for m in decomposed[1:] if m in _TONE_MARKS), "0")
    return unicodedata.normalize("NFC", base), tone


def _word_codes(word: str) -> tuple[str, str]:
    primary, tones = [], []
    for char in unicodedata.normalize("NFC", word):
        base, tone = _split_letter(char)
        if base.isdigit():
            primary.append(f"0{base}" if base != "0" else "00")
        else:
            primary.append(_LETTER_CODE.get(base, _OTHER_CODE))
        tones.append(tone)
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str, max_length: int = 255) -> str:
    """A key that sorts people as Vietnamese lists do.

    Given name (the last word) first, then family and middle names, in
    Vietnamese letter order (a ă â, d đ, ...); tones only break ties. The key
    is made of digits only, so byte order and any database collation agree.
    """
    words = clean_name(full_name).split(" ")
    if not words or words == [""]:
        return ""
    ordered = [words[-1], *words[:-1]]
    codes = [_word_codes(w) for w in ordered]
    primary = _WORD_BREAK.join(code for code, _ in codes)
    tones = "".join(tone for _, tone in codes)
    return (primary + _WORD_BREAK + _WORD_BREAK + tones)[:max_length]
