"""Name keys: which spellings count as the same name."""

import pytest

from indexer.names.keys import is_acronym, name_key, variant_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("Mojahedin", "Mujahedin"),
        ("Mujahideen", "Mujahedeen"),
        ("Mojahedin-e Khalq", "Mujahideen-e-Khalq"),
        ("Mojahedin Khalq", "Mojahedin-e Khalq"),  # the Persian ezafe
        ("Rajavi", "Radjavi"),
        ("al-Maliki", "Al Maliki"),  # Arabic article, hyphen or space
        ("Ahlam al-Maliki", "Ahlam Maliki"),
        ("Mohammed", "Muhammad"),
        ("Hussein", "Husain"),
        ("Qaeda", "Qaida"),
        ("Tehran", "Teheran"),
        ("People’s Mujahedeen of Iran", "Peoples Mojahedin of Iran"),
        ("Zürich", "Zurich"),
        ("U.N.", "UN"),
        ("Microsoft Corp.", "Microsoft"),
        ("Acme Holdings Ltd", "Acme Holdings"),
    ],
)
def test_variants_share_a_key(a, b):
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Malik", "Maliki"),  # a final vowel is kept
        ("Iran", "Iraq"),
        ("MEK", "MKO"),
        ("Rajavi", "Rajab"),
        ("Baghdad", "Bagram"),
    ],
)
def test_different_names_keep_different_keys(a, b):
    assert variant_key(a) != variant_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("People’s Mujahedeen", "people's mujahedeen"),
        ("Café  Ré", "cafe re"),
        ("MEK/MKO", "mek mko"),
    ],
)
def test_name_key_ignores_case_accents_apostrophes_and_separators(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_keeps_spelling():
    assert name_key("Mojahedin") != name_key("Mujahedin")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("MEK", True),
        ("U.N.", True),
        ("PMOI", True),
        ("Iran", False),
        ("A", False),
        ("NATO-led", False),
    ],
)
def test_is_acronym(name, expected):
    assert is_acronym(name) is expected
