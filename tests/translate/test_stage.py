"""Stage 4 as a whole: articles and stories get English fields and flags, a missing engine fails up front, and
the `translate` command gives one line out per line in."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.errors import ModelMissing
from briefing.records import Story
from briefing.translate import argos
from tests.conftest import make_article
from tests.translate.conftest import needs_apertium


@needs_apertium
def test_translate_articles_fills_english_fields_and_flags(argos_home: Path, packages: dict[str, Path],
                                                           cache_file: Path) -> None:
    french = make_article(summary="Le Vietnam lance un programme. Il soutient les start-up en IA.",
                          figure_sentences=("Le marché atteindra 1,14 milliard de dollars d’ici 2029.",))
    english = make_article(id="a2", lang="en", title="Vietnam launches", summary="It helps start-ups.",
                           figure_sentences=("It costs $3 billion.",))
    vietnamese = make_article(id="a3", lang="vi", title="Việt Nam", summary="Chương trình.")
    unknown = make_article(id="a5", lang="", title="???", summary="")
    out, engine = translate.translate_articles([french, english, vietnamese, unknown], engine="auto",
                                               cache_path=cache_file)
    assert engine == "apertium"
    assert out[0].title_en.startswith("The Vietnam") and "start-up" in out[0].title_en
    assert "AI" in out[0].summary_en and ". " in out[0].summary_en
    assert out[0].flags == ()
    (figure,) = out[0].figure_sentences_en
    assert "1.14 billion dollars" in figure and "2029" in figure and "milliard" not in figure
    assert (out[1].title_en, out[1].summary_en, out[1].flags) == ("Vietnam launches", "It helps start-ups.", ())
    assert out[1].figure_sentences_en == ("It costs $3 billion.",)
    assert (out[2].title_en, out[2].flags) == ("Việt Nam", ("untranslated",))
    assert (out[3].title_en, out[3].flags) == ("???", ("untranslated",))

    argos.install_model_file(packages["de-en"])
    german = make_article(id="a4", lang="de", title="Das Programm beginnt.", summary="Heute.")
    (looped,), engine = translate.translate_articles([german], use_cache=False)
    assert engine == "argos"
    assert looped.flags == ("translation-suspect",)
    assert looped.title_en == "Das Programm beginnt."


def test_translate_articles_without_any_engine_fails_up_front(argos_home: Path) -> None:
    with pytest.raises(ModelMissing, match="vi->en"):
        translate.translate_articles([make_article(lang="vi")], use_cache=False)


@needs_apertium
def test_cli_translate_one_line_out_per_line_in(runner: CliRunner, cache_file: Path) -> None:
    text = "Le NIC lance un programme.\n\nTô Lâm et la JICA\u2028à Hanoi.\n"
    result = runner.invoke(main, ["translate", "--source", "fr", "--engine", "apertium", "--cache", str(cache_file)],
                           input=text)
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == 3
    assert lines[0] == "The NIC launches a programme."
    assert lines[1] == ""
    assert "Tô Lâm" in lines[2] and "Hanoi" in lines[2]


def test_an_english_story_keeps_the_translation_of_a_headline_borrowed_from_another_language() -> None:
    from briefing.translate import translate_records

    article = make_article(lang="en", title="WASHINGTON (AP) -- Floods …", title_derived=True, summary="Floods.")
    story = Story(id="s", articles=(article,), lang="en", title="Inondations à Hue", title_en="Floods in Hue",
                  summary="Floods.")
    (done,), engine = translate_records([story])
    assert (done.title_en, done.summary_en, engine) == ("Floods in Hue", "Floods.", None)


@needs_apertium
def test_a_story_s_places_and_descriptive_organisations_get_their_english_names(cache_file: Path) -> None:
    from briefing.records import Entity
    from briefing.translate import translate_records

    article = make_article(lang="fr", title="Le Vietnam et le Japon", summary="Le Vietnam coopère avec le Japon.")
    names = (Entity("Vo Xuan Hoai", "person", ("a",)), Entity("Banque mondiale", "organisation", ("a",)),
             Entity("Le Monde", "organisation", ("a",)), Entity("Japon", "place", ("a",)),
             Entity("Asie du Sud-Est", "place", ("a",)), Entity("JICA", "organisation", ("a",)),
             Entity("Conseil de Paris", "organisation", ("a",)), Entity("Le Mans", "place", ("a",)),
             Entity("Tours", "place", ("a",)), Entity("Agence France-Presse", "organisation", ("a",)),
             Entity("Fondation Charles de Gaulle", "organisation", ("a",)),
             Entity("Crédit agricole", "organisation", ("a",)))
    story = Story(id="s", articles=(article,), lang="fr", title=article.title, summary=article.summary,
                  entities=names)
    (shown, listed), _ = translate_records([story, dataclasses.replace(story, id="t")],
                                           full=lambda s: s.id == "s", cache_path=cache_file)
    # people and brand-like names as they are; and a name alone is translated only where the result can be
    # checked (apertium gave "Tame", "Torres", "Agency France-Hastens", "Foundation Chat of Gaulle",
    # "Agricultural credit" for the last five)
    assert [e.shown for e in shown.entities] == [
        "Vo Xuan Hoai", "World Bank", "Le Monde", "Japan", "Southeast Asia", "JICA", "Council of Paris", "Le Mans",
        "Tours", "Agence France-Presse", "Fondation Charles de Gaulle", "Crédit agricole"]
    assert [e.name for e in shown.entities] == [e.name for e in names]  # the original stays in the JSON
    assert shown.to_json()["entities"][1] == {"name": "Banque mondiale", "name_en": "World Bank",
                                              "type": "organisation", "articles": ["a"]}
    assert listed.entities == names  # a story listed in one line shows no names: none translated
    assert shown.summary_en and shown.title_en  # the texts around the names are still in their places
