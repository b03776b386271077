"""Editing around Apertium's French -> English: the learned rewrites (whole tokens, longest first,
case-aware, protected tokens untouched), the pre-edit of French inversions, English spacing."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.translate.postedit import (
    RULES_FILE,
    RewriteRules,
    english_spacing,
    is_rewritable,
    load_rules,
    preedit,
    tokenize,
    write_rules,
)


def make_rules(**pairs: str) -> RewriteRules:
    """Rules from keyword pairs, underscores standing for spaces."""
    return RewriteRules.of({k.replace("_", " "): v for k, v in pairs.items()})


def test_longest_rule_wins_and_context_is_part_of_the_span() -> None:
    rules = RewriteRules.of({"tax of growth": "growth rate", "tax": "rate", "has declared": "said"})
    assert rules.apply("The tax of growth has declared the tax.") == "The growth rate said the rate."


def test_whole_words_only() -> None:
    rules = RewriteRules.of({"the": "", "society": "company"})
    assert rules.apply("There societies") == "There societies"


def test_capitalised_first_word_and_deleted_first_word() -> None:
    rules = RewriteRules.of({"the Vietnam": "Vietnam", "of the": "", "tax of growth": "growth rate"})
    assert rules.apply("The Vietnam grows.") == "Vietnam grows."
    assert rules.apply("Of the studios open.") == "Studios open."
    assert rules.apply("Tax of growth rises.") == "Growth rate rises."
    assert rules.apply("TAX OF GROWTH") == "TAX OF GROWTH"


def test_placeholders_urls_numbers_are_never_touched() -> None:
    rules = RewriteRules.of({"society": "company", "millardos of": "billion", "of": "from"})
    text = "Zxqa of www.society.com/of, 3,5 of 1h30 and me@society.org millardos of Zxqb"
    assert rules.apply(text) == "Zxqa from www.society.com/of, 3,5 from 1h30 and me@society.org billion Zxqb"


@pytest.mark.parametrize("phrase", ["in 2025", "Zxqa", "www.a.com", "3.5 %"])
def test_rules_with_protected_tokens_are_refused(phrase: str) -> None:
    assert not is_rewritable(phrase)
    with pytest.raises(ValueError):
        RewriteRules.of({phrase: "x"})


def test_tokens_keep_offsets() -> None:
    text = "McDonald's 1h30, Zxqa."
    assert [text[a:b] for a, b in tokenize(text)] == ["McDonald", "'", "s", "1h30", ",", "Zxqa", "."]


def test_table_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rules.tsv"
    write_rules([(2, "rate of growth", "growth rate", "", ""), (1, "tax of", "rate of", "", "note")], path)
    editor = load_rules(path)
    assert [table.rules for table in editor.passes] == [{"tax of": "rate of"}, {"rate of growth": "growth rate"}]
    assert editor.apply("The tax of growth") == "The growth rate"


def test_conditional_rule_needs_its_french_word() -> None:
    rules = RewriteRules.of([("estimate", "budget", "budget"), ("estimate", "forecast", "")])
    assert rules.apply("The estimate grows.", "Le budget augmente.") == "The budget grows."
    assert rules.apply("The estimate grows.", "L'estimation augmente.") == "The forecast grows."


def test_a_line_is_never_emptied() -> None:
    rules = RewriteRules.of([("final", "", "fin")])
    assert rules.apply("Final", "Fin") == "Final"
    assert rules.apply("The final result.", "La fin") == "The result."


def test_shipped_table_loads() -> None:
    assert load_rules(RULES_FILE).size > 100


def test_preedit_reporting_clause_only() -> None:
    assert preedit("« C'est faux », a-t-il précisé.") == "« C'est faux », il a précisé."
    assert preedit("Est-il vrai ?") == "Est-il vrai ?"


@pytest.mark.parametrize(("english", "french", "expected"), [  # the errors a user of the raw pipe sees
    ("The costs reach 130 millardos of dollars.", "", "The costs reach 130 billion dollars."),
    ("the societies of the sector", "les sociétés du secteur", "the companies of the sector"),
    ("he has declared that", "il a déclaré que", "he said that"),
    ("in Marches 2025", "en mars 2025", "in March 2025"),
    ("The executive has announced", "Le gouvernement a annoncé", "The government has announced"),
])
def test_the_shipped_table_fixes_what_apertium_gets_wrong_every_time(english: str, french: str,
                                                                     expected: str) -> None:
    assert load_rules(RULES_FILE).apply(english, french) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('" We go to the country ," he said.', '"We go to the country," he said.'),
    ("Has it continuously progressed ?", "Has it continuously progressed?"),
    ('He said " yes " and " no " ( maybe ) .', 'He said "yes" and "no" (maybe).'),
    ("a growth of 8 % in 2025", "a growth of 8% in 2025"),
    ('an unpaired " quote stays', 'an unpaired " quote stays'),
])
def test_english_spacing(text: str, expected: str) -> None:
    assert english_spacing(text) == expected
