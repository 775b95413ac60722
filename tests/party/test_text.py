"""Vietnamese search and sort keys (party.text)."""

import unicodedata

from party.text import clean_name, name_sort_key, search_key


def sorted_names(*names: str) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_search_key_drops_diacritics_and_case():
    assert search_key("Nguyễn Văn Đạt") == "nguyen van dat"
    assert search_key("ĐẶNG THỊ ỨNG") == "dang thi ung"


def test_search_key_ignores_extra_spaces():
    assert search_key("  Nguyễn   Văn\tAn \n") == "nguyen van an"


def test_search_key_of_empty_input_is_empty():
    assert search_key("") == ""
    assert search_key(None) == ""


def test_nfc_and_nfd_inputs_give_the_same_keys():
    name = "Nguyễn Thị Ánh Hường Đặng"
    nfc = unicodedata.normalize("NFC", name)
    nfd = unicodedata.normalize("NFD", name)
    assert nfc != nfd
    assert search_key(nfd) == search_key(nfc)
    assert name_sort_key(nfd) == name_sort_key(nfc)
    assert clean_name(nfd) == nfc


def test_extra_spaces_do_not_change_the_sort_key():
    assert name_sort_key("  Nguyễn  Văn   An ") == name_sort_key("Nguyễn Văn An")


def test_given_name_sorts_before_family_name():
    assert sorted_names("Trần An Dũng", "Nguyễn Văn Bình", "Lê Văn Anh") == [
        "Lê Văn Anh",
        "Nguyễn Văn Bình",
        "Trần An Dũng",
    ]


def test_same_given_name_is_ordered_by_family_then_middle_name():
    assert sorted_names("Trần Văn An", "Lê Thị An", "Lê Văn An") == ["Lê Thị An", "Lê Văn An", "Trần Văn An"]


def test_shorter_given_name_sorts_first():
    assert sorted_names("Lê Anh", "Trần An") == ["Trần An", "Lê Anh"]


def test_a_breve_and_a_circumflex_follow_a():
    assert sorted_names("Lê Ấn", "Lê Ăn", "Lê An", "Lê Bá") == ["Lê An", "Lê Ăn", "Lê Ấn", "Lê Bá"]


def test_d_stroke_follows_d_and_precedes_e():
    assert sorted_names("Lê Em", "Lê Đức", "Lê Dung") == ["Lê Dung", "Lê Đức", "Lê Em"]


def test_other_marked_letters_follow_their_base_letter():
    assert sorted_names("Lê Ơn", "Lê Ôn", "Lê On", "Lê Pha") == ["Lê On", "Lê Ôn", "Lê Ơn", "Lê Pha"]
    assert sorted_names("Lê Ưng", "Lê Ung", "Lê Vân") == ["Lê Ung", "Lê Ưng", "Lê Vân"]
    assert sorted_names("Lê Êm", "Lê Em", "Lê Gấm") == ["Lê Em", "Lê Êm", "Lê Gấm"]


def test_tones_only_break_ties():
    # Without tones "Anh" < "Ba", so the tone of "Ánh" must not push it after "Ba".
    assert sorted_names("Lê Ba", "Lê Ánh") == ["Lê Ánh", "Lê Ba"]
    # The given name's letters win over any tone, even when the tone comes earlier.
    assert sorted_names("Lê Hà", "Lê Hai") == ["Lê Hà", "Lê Hai"]


def test_tones_follow_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    names = ["Lê Mạ", "Lê Má", "Lê Mã", "Lê Mả", "Lê Mà", "Lê Ma"]
    assert sorted_names(*names) == ["Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ"]


def test_tone_on_a_marked_letter_keeps_the_letter():
    # "ệ" is ê with a tone: it sorts with ê, after every plain e.
    assert sorted_names("Lê Hệ", "Lê Hex", "Lê Hê") == ["Lê Hex", "Lê Hê", "Lê Hệ"]


def test_case_does_not_matter_for_the_sort_key():
    assert name_sort_key("NGUYỄN VĂN ĐẠT") == name_sort_key("nguyễn văn đạt")


def test_sort_key_is_digits_only_and_bounded():
    key = name_sort_key("Nguyễn " * 60 + "An")
    assert key.isdigit()
    assert len(key) <= 255


def test_sort_key_of_empty_name_is_empty():
    assert name_sort_key("") == ""
    assert name_sort_key("   ") == ""
