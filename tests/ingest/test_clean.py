"""Each cleaning rule on small texts shaped like the seeds' boilerplate, and what must survive it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest.clean import (
    MAX_STACKED_MARKS,
    clean_text,
    looks_like_heading,
    normalize_text,
    site_free_title,
)

P1 = ("Le ministre des Finances a présenté jeudi un budget en hausse de 4 % pour l’année prochaine, "
      "porté par les recettes de la TVA et par une croissance plus forte que prévu.")
P2 = ("« Nous tiendrons nos engagements sans augmenter les impôts des ménages », a assuré le ministre "
      "devant les députés, qui examineront le texte à partir du mois prochain.")
P3 = ("L’opposition dénonce des hypothèses trop optimistes et réclame un audit indépendant des comptes "
      "publics avant le vote, prévu à la fin de l’automne.")
BODY = f"{P1}\n\n{P2}\n\n{P3}"


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --- 1. normalise ---------------------------------------------------------------------------


def test_normalize_nfc_controls_spaces_and_apostrophes() -> None:
    raw = "Nguye\u0302\u0303n\u00a0Va\u0306n \x00l'e\u0301cole\x07 d\u2019e\u0301te\u0301\r\nsuite\t \u200bici\ufeff"
    assert normalize_text(raw) == "Nguyễn Văn l’école d’été\nsuite ici"


def test_quotes_and_narrow_spaces_are_kept_readable() -> None:
    assert normalize_text("«\u202fBonjour\u202f» dit-il") == "« Bonjour » dit-il"


# --- 2. header ------------------------------------------------------------------------------


def test_leading_date_header_becomes_the_date_and_leaves_the_text() -> None:
    cleaned = clean_text(f" date 2025-10-04 {BODY}")
    assert cleaned.header_date == dt.date(2025, 10, 4)
    assert cleaned.text == BODY


def test_a_date_later_in_the_text_is_not_a_header() -> None:
    cleaned = clean_text(f"{P1} date 2025-10-04\n\n{P2}")
    assert cleaned.header_date is None
    assert "date 2025-10-04" in cleaned.text


# --- 3. line rules --------------------------------------------------------------------------


def test_source_line_becomes_the_url() -> None:
    cleaned = clean_text(f"{BODY}\nSource : https://mst.gov.vn/a-b-197251025164051267.htm\n")
    assert cleaned.url == "https://mst.gov.vn/a-b-197251025164051267.htm"
    assert cleaned.text == BODY


def test_image_markdown_goes_and_links_keep_their_words() -> None:
    text = (f"{P1}\n\n![[Photo] Le Premier ministre](https://vphoto.example/a.webp)\n\n"
            f"{P2} Voir [le rapport](https://example.org/rapport) complet.\n\n{P3}")
    cleaned = clean_text(text)
    assert "![" not in cleaned.text and "vphoto" not in cleaned.text
    assert "Voir le rapport complet." in cleaned.text
    assert len(paragraphs(cleaned.text)) == 3


@pytest.mark.parametrize("widget", ["Comment (0)", "Comments (12)", "Commentaires (3)", "Partager", "Imprimer"])
def test_widgets_go(widget: str) -> None:
    assert clean_text(f"{BODY}\n\n\n\n{widget}").text == BODY


@pytest.mark.parametrize("caption", [
    "Le ministre lors de la séance, le 15 janvier. Photo : VNA",
    "Le ministre devant les députés. © AFP",
    "Lancement du prix Au Lac Grand Prize 2026. Photo: VNA",
    "Le vice-Premier ministre reçoit une délégation à Hanoï. (Photo : Portail gouvernemental)",
])
def test_photo_captions_go(caption: str) -> None:
    assert clean_text(f"{P1}\n\n{caption}\n\n{P2}\n\n{P3}").text == BODY


def test_teasers_after_a_lone_marker_go() -> None:
    teasers = ("Le professeur Nguyen Van Tâm. Photo : VNA\n\n14e Congrès du Parti : l’IA, un choix stratégique\n\n"
               "À l’occasion du 14e Congrès national du Parti communiste du Vietnam, la science est un moteur.")
    for marker in ("source\n\nVoir plus", "Lire aussi", "Sur le même sujet :"):
        assert clean_text(f"{BODY}\n\n{marker}\n\n{teasers}").text == BODY


def test_comment_section_after_the_story_goes() -> None:
    rules = "- El contenido de los comentarios es la opinión de los usuarios.\n- No está permitido insultar."
    assert clean_text(f"{BODY}\nComentar\n{rules}").text == BODY


def test_bylines_breadcrumbs_and_paywall_notices_go() -> None:
    text = (f"Patricio Candia | Palma de Mallorca | 08/01/2014\n{P1}\n"
            f"Accueil | Économie | Budget\n{P2}\nCet article est réservé aux abonnés.\n{P3}")
    assert clean_text(text).text == BODY
    assert clean_text(f"{P1} Les chiffres | le détail | la suite\n{P2}").text.startswith(P1)  # a long line stays


def test_related_links_tags_and_separators_go() -> None:
    text = (f"{P1}\n\nLire aussi : Le déficit public recule\n\n* * *\n\n{P2}\n\nPartager sur Facebook\n\n"
            f"{P3}\n\nMots-clés : budget, impôts, TVA")
    assert clean_text(text).text == BODY
    related = "Related to this, the council also voted a new budget for the libraries."
    assert clean_text(f"{BODY}\n\n{related}").text.endswith(related)  # no colon: a sentence, not a link


def test_source_name_line_gives_the_publisher() -> None:
    cleaned = clean_text(f"{BODY}\n\nSource : VNA")
    assert (cleaned.publisher, cleaned.text) == ("VNA", BODY)


def test_agency_in_brackets_after_the_last_sentence() -> None:
    cleaned = clean_text(f"{BODY} (AFP)")
    assert (cleaned.publisher, cleaned.text) == ("AFP", BODY)
    assert clean_text(f"PARIS (Reuters) - {BODY}").publisher == "Reuters"
    last = "Le centre est dirigé par le NIC (Centre national d’innovation)."
    assert clean_text(f"{P1}\n\n{P2}\n\n{last}").publisher is None


def test_a_marker_at_the_top_does_not_cut_the_story() -> None:
    assert clean_text(f"Voir plus\n\n{BODY}").text == BODY


# --- 4. sign-offs ---------------------------------------------------------------------------


def test_sign_off_gives_the_publisher_and_leaves_the_text() -> None:
    cleaned = clean_text(f"{BODY} – VNA/VI")
    assert cleaned.publisher == "VNA"
    assert cleaned.text == BODY


def test_dateline_gives_the_publisher_and_leaves_the_text() -> None:
    cleaned = clean_text(f"Hanoi (VNA) – {BODY}")
    assert cleaned.publisher == "VNA"
    assert cleaned.text == BODY
    assert clean_text(f"PARIS (AFP) - {BODY}").publisher == "AFP"


def test_a_name_after_a_dash_is_not_a_sign_off() -> None:
    text = f"{P1}\n\n{P2}\n\n{P3} Le programme s’appelle accélération – VietLeap"
    cleaned = clean_text(text)
    assert cleaned.publisher is None
    assert cleaned.text.endswith("accélération – VietLeap")


# --- 5. headline ----------------------------------------------------------------------------

HEADLINE = "Le budget de l’État augmente de 4 % l’an prochain"


def test_headline_set_apart_by_a_blank_line_is_the_title() -> None:
    cleaned = clean_text(f"{HEADLINE}\n\n{BODY}")
    assert cleaned.title == HEADLINE
    assert cleaned.text == BODY


def test_first_line_that_is_one_of_several_section_headings_is_not_the_title() -> None:
    text = f"Promouvoir la coopération internationale\n{P1}\n{P2}\nDéveloppement de centres de données\n{P3}"
    cleaned = clean_text(text)
    assert cleaned.title is None
    assert paragraphs(cleaned.text)[0] == "Promouvoir la coopération internationale"


def test_markdown_heading_is_the_title() -> None:
    cleaned = clean_text(f"## {HEADLINE}\n\n{BODY}")
    assert cleaned.title == HEADLINE
    assert cleaned.text == BODY


def test_no_title_search_for_markup_sources() -> None:
    assert clean_text(f"{HEADLINE}\n\n{BODY}", find_title=False).title is None


def test_a_lead_sentence_is_not_a_headline() -> None:
    assert clean_text(BODY).title is None
    assert not looks_like_heading(P1)
    assert not looks_like_heading("Voir plus")
    assert looks_like_heading(HEADLINE)


# --- 6. layout ------------------------------------------------------------------------------

LINE_PAGE = [  # one paragraph per line, as in seeds 001 and 004; blank lines only where images sat
    "Ces informations ont été communiquées lors de l’atelier scientifique sur l’intelligence artificielle, "
    "organisé par l’Académie nationale de politique en coordination avec plusieurs ministères.",
    "Ce forum vise à identifier les opportunités et les défis de l’IA, proposant des orientations politiques "
    "et des réponses efficaces pour garantir la sécurité et le développement durable du pays.",
    "",
    "Présentation de l’atelier.",
    "Lors de l’ouverture, le ministre a souligné que l’intelligence artificielle n’est plus une technologie "
    "d’avenir, mais qu’elle est déjà profondément ancrée dans la réalité économique et sociale.",
    "L’IA est considérée comme une technologie de rupture, capable de restructurer la gouvernance nationale "
    "et de bâtir une économie du savoir, selon les évaluations internationales.",
    "",
    "Dr Nguyen Xuan Thang, directeur de l’Académie nationale de politique,",
    "a pris la parole lors de l’atelier.",
    "Positionner le Vietnam dans l’écosystème mondial de l’IA",
    "Le professeur a déclaré que la puissance de l’IA se manifeste clairement par sa capacité à s’appliquer "
    "dans de nombreux domaines, de l’industrie à la santé et à l’éducation.",
]


def test_captions_set_apart_in_line_per_paragraph_pages_go() -> None:
    cleaned = clean_text("\n".join(LINE_PAGE))
    kept = paragraphs(cleaned.text)
    assert "Présentation de l’atelier." not in kept
    assert not any("a pris la parole" in p or p.startswith("Dr Nguyen") for p in kept)
    assert "Positionner le Vietnam dans l’écosystème mondial de l’IA" in kept  # a heading, not a caption
    assert len(kept) == 6


def test_short_paragraphs_of_blank_separated_pages_stay() -> None:
    short = "Le texte sera voté en décembre."
    assert clean_text(f"{P1}\n\n{short}\n\n{P2}\n\n{P3}").text == f"{P1}\n\n{short}\n\n{P2}\n\n{P3}"


# --- 7. repeats -----------------------------------------------------------------------------


def test_repeated_paragraphs_go_and_the_first_stays() -> None:
    assert clean_text(f"{P1}\n\n{P2}\n\n{P1}\n\n{P3}\n\n{P2}").text == BODY


def test_near_repeat_of_the_lead_goes() -> None:
    near = P1.replace("Le ministre des Finances", "Le ministre français des Finances")
    assert clean_text(f"{P1}\n\n{near}\n\n{P2}\n\n{P3}").text == BODY


def test_caption_that_repeats_a_paragraph_goes() -> None:
    caption = "Le ministre des Finances a présenté le budget en hausse devant les députés."
    long_paragraph = P1 + " " + P2
    cleaned = clean_text(f"{long_paragraph}\n{caption}\n{P3}")
    assert caption not in cleaned.text
    assert paragraphs(cleaned.text) == [long_paragraph, P3]


def test_blank_runs_collapse_and_quotes_stay() -> None:
    cleaned = clean_text(f"\n\n\n{P1}\n\n\n\n\n\n{P2}\n\n\n{P3}\n\n\n\n")
    assert cleaned.text == BODY
    assert "« Nous tiendrons" in cleaned.text and "ménages »" in cleaned.text


@pytest.mark.parametrize(("title", "names", "expected"), [
    ("Anticorrupción decidirá en Madrid » Local » Noticias » Ultima Hora Mallorca", (),
     "Anticorrupción decidirá en Madrid"),
    ("Lyon inaugure son tramway - Le Courrier", ("Le Courrier",), "Lyon inaugure son tramway"),
    ("Budget : la hausse - lemonde.fr", ("www.lemonde.fr",), "Budget : la hausse"),
    ("Paris - Lyon : le TGV a 40 ans", ("SNCF",), "Paris - Lyon : le TGV a 40 ans"),  # the tail is not the site
])
def test_site_names_leave_page_titles(title: str, names: tuple[str, ...], expected: str) -> None:
    assert site_free_title(title, *names) == expected


def test_piles_of_combining_marks_are_cut_and_every_line_break_separates_words(
        runner: CliRunner, tmp_path: Path) -> None:
    """A title of one letter under 500 accents ("Zalgo") drew a column across the PDF page; a form feed or a
    vertical tab between words was deleted, gluing them ("Formfeeddansletitre"). Real accents stay."""
    pile = "".join(chr(0x300 + n % 0x6F) for n in range(500))
    records = [{"title": f"Zalgo e{pile} titre", "text": BODY, "date": "2025-10-02", "publisher": f"Z{pile}"},
               {"title": "Formfeed\fdans\vle\x1ctitre\x85de Nguyễn", "date": "2025-10-02",
                "text": "Le port de Hai Phong agrandira son terminal de conteneurs, a annoncé vendredi l’autorité "
                        "portuaire. Les travaux commenceront l’an prochain et dureront trois ans. " * 3}]
    source = tmp_path / "week.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(source), "--jsonl", "--today", "2025-10-05"])
    assert result.exit_code == 0, result.output
    zalgo, feed = [json.loads(line) for line in result.stdout.splitlines()]
    assert zalgo["title"].startswith("Zalgo ") and zalgo["title"].endswith(" titre")
    assert len(zalgo["title"]) <= len("Zalgo e titre") + MAX_STACKED_MARKS  # NFC may fold the first into è
    assert zalgo["publisher"].startswith("Z") and len(zalgo["publisher"]) <= 1 + MAX_STACKED_MARKS
    assert feed["title"] == "Formfeed dans le titre de Nguyễn"
