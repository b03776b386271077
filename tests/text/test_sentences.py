"""Sentence splitting: abbreviations, numbers, links, quotations, scripts without case or spaces, and every word
of real news kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.text import split_sentences
from tests.helpers import WORD, _orangesum

TRICKY = [
    # abbreviations and initials (seeds/001, seeds/004, English news)
    ("S'exprimant lors du forum, M. Vo Xuan Hoai, directeur adjoint du NIC, a parlé. Mme Marie Keller a suivi.",
     ["S'exprimant lors du forum, M. Vo Xuan Hoai, directeur adjoint du NIC, a parlé.", "Mme Marie Keller a suivi."]),
    ("Le Dr. Martin et MM. Durand et Petit sont venus. Ils repartent en 52 av. J.-C. Fin.",
     ["Le Dr. Martin et MM. Durand et Petit sont venus.", "Ils repartent en 52 av. J.-C. Fin."]),
    ("J. K. Rowling spoke. Mr. Smith and Mrs. Jones agreed, e.g. on costs. The U.S. economy grew.",
     ["J. K. Rowling spoke.", "Mr. Smith and Mrs. Jones agreed, e.g. on costs.", "The U.S. economy grew."]),
    # numbers and codes (seeds/001, seeds/002, orangesum)
    ("la résolution n° 57-NQ/TW du Politburo et la décision n° 1131/QD-TTg. Le texte est clair.",
     ["la résolution n° 57-NQ/TW du Politburo et la décision n° 1131/QD-TTg.", "Le texte est clair."]),
    ("Le marché atteindra 1,14 milliard de dollars. Le navire peut contenir plus de 2.600 passagers. 4 sont blessés.",
     ["Le marché atteindra 1,14 milliard de dollars.", "Le navire peut contenir plus de 2.600 passagers.",
      "4 sont blessés."]),
    # links and addresses
    ("Source : https://mst.gov.vn/Ai.Ha-tang.htm. Écrivez à jean.Dupont@Mail.fr. Voir www.Site.fr/A.Bc aussi.",
     ["Source : https://mst.gov.vn/Ai.Ha-tang.htm.", "Écrivez à jean.Dupont@Mail.fr.", "Voir www.Site.fr/A.Bc aussi."]),
    # quotations, questions, ellipses, dialogue (orangesum, seeds/004)
    ("Il a insisté : « Le développement exige un équilibre. Il faut contrôler. » Puis il est parti.",
     ["Il a insisté : « Le développement exige un équilibre. Il faut contrôler. »", "Puis il est parti."]),
    ("« Pourquoi ? » demande-t-il. Personne ne répond… Puis il part ! Fin.",
     ["« Pourquoi ? » demande-t-il.", "Personne ne répond…", "Puis il part !", "Fin."]),
    ('He said "I\'m done. Really." Then he left. Elle cite (...) Les autres se taisent.',
     ['He said "I\'m done. Really."', "Then he left.", "Elle cite (...) Les autres se taisent."]),
    # newstest2013: a French-spaced straight quotation, a period in brackets, a dash that goes on
    ('Les malades disent la même phrase: " Je veux mourir. " Puis ils se taisent.',
     ['Les malades disent la même phrase: " Je veux mourir. "', "Puis ils se taisent."]),
    ("The PTA sought entry to the Federation (est. 1951) and by autumn was a member. It grew.",
     ["The PTA sought entry to the Federation (est. 1951) and by autumn was a member.", "It grew."]),
    ('"Then what?" - asks Valery Poliakov. « Quoi ? » – demande-t-il.',
     ['"Then what?" - asks Valery Poliakov.', "« Quoi ? » – demande-t-il."]),
    ("— Bonjour, dit-il.\n— Salut, répond-elle. – Et toi ?",
     ["— Bonjour, dit-il.", "— Salut, répond-elle.", "– Et toi ?"]),
    # scraped text that lost the space after a period (orangesum)
    ("pour permettre à leurs passagers de visiter Venise.Selon le quotidien italien, c'est le courant.",
     ["pour permettre à leurs passagers de visiter Venise.", "Selon le quotidien italien, c'est le courant."]),
    ('la libération de 1.000 membres des forces de sécurité."La République achèvera la libération", dit-il.',
     ["la libération de 1.000 membres des forces de sécurité.", '"La République achèvera la libération", dit-il.']),
    ("a-t-il déclaré.- Nouvelles manifestations? -M. Kazimi hérite d'un pays délabré.",
     ["a-t-il déclaré.", "- Nouvelles manifestations?", "-M. Kazimi hérite d'un pays délabré."]),
]


@pytest.mark.parametrize(("text", "expected"), TRICKY, ids=[t[0][:30] for t in TRICKY])
def test_split_tricky_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "fr" if "Rowling" not in text else "en") == expected


def test_split_scripts_without_case_or_spaces() -> None:
    # Full-width stops end a sentence outright; Arabic letters have no case but start sentences.
    chinese = ["梁振英此前承认。", "引发诚信危机！", "他道歉了？"]
    assert split_sentences("".join(chinese), "zh") == chinese
    japanese = ["地元当局者が明らかにした。", "「攻撃は町で起きた」。"]
    assert split_sentences("".join(japanese), "ja") == japanese
    arabic = ["وقال المرصد السوري لحقوق الإنسان إن الاشتباكات مستمرة.", "وأضاف أن المقاتلين سيطروا على المستودعات؟"]
    assert split_sentences(" ".join(arabic), "ar") == arabic


def test_split_headings_and_paragraphs_are_their_own_sentences() -> None:
    text = "Promouvoir la coopération\nS'exprimant lors du forum, il a parlé.\n\nDeuxième paragraphe ici."
    assert split_sentences(text, "fr") == [
        "Promouvoir la coopération", "S'exprimant lors du forum, il a parlé.", "Deuxième paragraphe ici."
    ]


def test_split_joins_hard_wrapped_lines() -> None:
    text = (
        "The minister said on Tuesday that the new plan would be adopted\n"
        "before the end of the year, after talks with the unions and the\n"
        "employers. Critics called it too little, too late for the region.\n"
    )
    assert split_sentences(text, "en") == [
        "The minister said on Tuesday that the new plan would be adopted before the end of the year, after talks "
        "with the unions and the employers.",
        "Critics called it too little, too late for the region.",
    ]


def test_split_language_codes_are_normalised() -> None:
    # "Me" (Maître) is a French abbreviation only; unknown codes use every list.
    text = "Ils ont appelé Me. Dupont hier."
    assert split_sentences(text, "FR") == split_sentences(text, "fr_CA") == [text]
    assert split_sentences(text, "en-GB") == split_sentences(text, "EN") == ["Ils ont appelé Me.", "Dupont hier."]
    assert split_sentences(text, "und") == [text]


def test_split_empty_and_blank_text() -> None:
    assert split_sentences("", "fr") == []
    assert split_sentences(" \n\n \t", "fr") == []


def test_split_keeps_every_word_of_the_seeds(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences = split_sentences(text, "fr")
        assert WORD.findall(" ".join(sentences)) == WORD.findall(text), path.name
        # no sentence ends on an abbreviation or an initial
        assert not [s for s in sentences if re.search(r"\b(?:M|Mme|Dr|n°|[A-Z])\.$", s)], path.name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_split_rarely_cuts_one_line_news_sentences(lang: str, shared_dir: Path) -> None:
    # newstest2013 has one sentence per line, save a few lines that really hold two (27 fr, 24 en).
    lines = (shared_dir / "eval" / f"newstest2013.{lang}").read_text(encoding="utf-8").splitlines()
    cut = [line for line in lines if len(split_sentences(line, lang)) != 1]
    assert len(cut) <= 30, cut[:10]


def test_split_eval_articles_keep_their_words(shared_dir: Path) -> None:
    rows = _orangesum(shared_dir, 200)
    for row in rows:
        assert WORD.findall(" ".join(split_sentences(row["article"], "fr"))) == WORD.findall(row["article"])


def test_a_run_too_long_to_be_a_sentence_is_cut_into_pieces_and_nothing_is_lost() -> None:
    from briefing.text.settings import SENTENCE_MAX_CHARS

    run = "Le ministère annonce" + " le projet et la ville" * 10_000  # 220 KB without an end
    pieces = split_sentences(run + ". Une phrase normale suit.", "fr")
    assert pieces[-1] == "Une phrase normale suit."
    assert all(len(piece) <= SENTENCE_MAX_CHARS for piece in pieces)
    assert " ".join(pieces[:-1]) == run + "."
    unspaced = "越南宣布人工智能计划" * 1_000
    assert "".join(split_sentences(unspaced, "zh")) == unspaced
    assert max(map(len, split_sentences(unspaced, "zh"))) <= SENTENCE_MAX_CHARS
