"""Stage 2 as a whole: `summarize` in the original order, articles and JSONL records, the `summarize` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.errors import BadInput, SummarizeError
from briefing.runtime.jsonl import records_as_lines
from briefing.summarize import SUMMARIZERS, summarize, summarize_article, summarize_records
from briefing.text import split_sentences
from tests.conftest import make_article, path_as_language_code
from tests.summarize.conftest import ARTICLE


@pytest.mark.parametrize("method", sorted(SUMMARIZERS))
def test_summary_keeps_original_order_and_skips_boilerplate(method: str) -> None:
    picked = summarize(ARTICLE, "fr", 3, method=method)
    assert len(picked) == 3
    positions = [ARTICLE.index(s) for s in picked]
    assert positions == sorted(positions)
    assert not any(s.startswith(("Photo", "Lire aussi")) for s in picked)


@pytest.mark.parametrize("method", sorted(SUMMARIZERS))
def test_short_article_is_returned_whole(method: str) -> None:
    text = "Le Vietnam lance un programme. Il soutient les start-up en IA. Le Japon participe."
    assert summarize(text, "fr", 3, method=method) == split_sentences(text, "fr")
    assert summarize(text, "fr", 10, method=method) == split_sentences(text, "fr")


def test_text_of_headings_only_still_gives_a_summary() -> None:
    assert summarize("Titre seul\nUn autre titre", "fr", 1, method="lead") == ["Titre seul"]
    assert summarize("Titre seul\nUn autre titre", "fr", 2) == ["Titre seul", "Un autre titre"]
    assert summarize("", "fr", 2) == []


def test_bad_method_and_length_are_summarize_errors() -> None:
    with pytest.raises(SummarizeError, match="unknown summarizer 'nope'; choose one of: centroid, default, lead"):
        summarize(ARTICLE, "fr", 2, method="nope")
    with pytest.raises(SummarizeError, match="at least one sentence"):
        summarize(ARTICLE, "fr", 0)


def test_summarize_article_sets_summary_and_uses_the_title_unless_derived() -> None:
    text = (
        "Le conseil municipal s'est réuni lundi soir pendant trois heures. "
        "Ils ont ensuite voté la fermeture de la piscine olympique pour travaux. "
        "La séance s'est terminée tard dans la nuit."
    )
    article = make_article(text=text, title="La piscine olympique fermée")
    summarized = summarize_article(article, 1)
    assert summarized.summary == "Ils ont ensuite voté la fermeture de la piscine olympique pour travaux."
    assert summarized.text == article.text and article.summary == ""
    derived = summarize_article(make_article(text=text, title="Le conseil municipal", title_derived=True), 2)
    # a title cut from the lead is completed by the lead itself, then the best of the rest
    assert derived.summary == (
        "Le conseil municipal s'est réuni lundi soir pendant trois heures. "
        "Ils ont ensuite voté la fermeture de la piscine olympique pour travaux."
    )


def test_a_long_lead_is_kept_when_the_title_was_cut_from_it(seeds_dir: Path) -> None:
    from briefing.ingest import ingest

    article = ingest([str(seeds_dir / "000_056433ed9970a9b1.txt")]).articles[0]
    assert article.title_derived
    lead = summarize(article.text, "fr", 1, method="lead")[0]
    assert lead not in summarize(article.text, "fr", 3)  # the ranker alone finds this lead too long
    summary = summarize_article(article, 3).summary
    assert summary.startswith(lead) and "VietLeap AI Accelerator" in summary
    assert summarize_article(make_article(), 2, method="lead").summary == (
        "Le Vietnam lance un programme. Il soutient les start-up en IA."
    )


# --- records and the command ------------------------------------------------------------------


def test_records_get_a_summary_and_keep_their_fields() -> None:
    records = [{"id": "a", "text": ARTICLE, "lang": "fr"}, {"id": "b", "text": "One sentence only."}]
    out = list(summarize_records(records_as_lines(records), field="text", lang="auto", sentences=2, method="lead",
                                 title_field=None))
    assert out[0] == {**records[0], "summary": " ".join(summarize(ARTICLE, "fr", 2, method="lead"))}
    assert out[1] == {**records[1], "summary": "One sentence only."}


def test_records_use_the_title_field_unless_the_title_was_derived() -> None:
    text = (
        "Le conseil municipal s'est réuni lundi soir pendant trois heures. "
        "Ils ont ensuite voté la fermeture de la piscine olympique pour travaux. "
        "La séance s'est terminée tard dans la nuit."
    )
    records = [{"text": text, "title": "La piscine olympique fermée"},
               {"text": text, "title": "La piscine olympique fermée", "title_derived": True}]
    out = list(summarize_records(records_as_lines(records), field="text", lang="fr", sentences=1, method="default",
                                 title_field="title"))
    assert out[0]["summary"] == "Ils ont ensuite voté la fermeture de la piscine olympique pour travaux."
    assert out[1]["summary"] == summarize(text, "fr", 1)[0] != out[0]["summary"]


def test_records_missing_field_names_the_record() -> None:
    records = [{"id": "a", "text": "Un texte."}, {"id": "b", "body": "Un texte."}]
    with pytest.raises(BadInput, match=r"^record 2: field 'text' is missing; name the text field with --field$"):
        list(summarize_records(records_as_lines(records), field="text", lang="fr", sentences=2, method="default",
                               title_field=None))
    with pytest.raises(BadInput, match=r"^record 1: field 'text' is not text \(int\)"):
        list(summarize_records(records_as_lines([{"text": 3}]), field="text", lang="fr", sentences=2, method="default",
                               title_field=None))


def test_auto_language_detects_when_the_record_has_none() -> None:
    from briefing.text.language import detect_language as detect_lang

    assert detect_lang(ARTICLE) == "fr"
    assert detect_lang("The minister said on Tuesday that the plan would be adopted soon.") == "en"
    assert detect_lang("12 345 — 678") == "und"
    # English abbreviations apply once English is detected: "Mr." does not end the sentence.
    records = [{"text": "Mr. Smith said the plan would be adopted. The unions disagreed strongly."}]
    out = list(summarize_records(records_as_lines(records), field="text", lang="auto", sentences=1, method="lead",
                                 title_field=None))
    assert out[0]["summary"] == "Mr. Smith said the plan would be adopted."


def test_cli_summarize_jsonl(runner, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "x", "body": ARTICLE, "headline": "Un plan pour les trains régionaux"}) + "\n\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["summarize", "--input", str(path), "--field", "body", "--lang", "fr",
                                  "--sentences", "2", "--title-field", "headline"])
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    expected = summarize(ARTICLE, "fr", 2, title="Un plan pour les trains régionaux")
    assert json.loads(line)["summary"] == " ".join(expected)


def test_cli_summarize_errors(runner) -> None:
    result = runner.invoke(main, ["summarize", "--method", "nope"], input="{}\n")
    assert result.exit_code == 2
    assert "Invalid value for '--method': 'nope' is not one of 'centroid', 'default', 'lead'." in result.output
    result = runner.invoke(main, ["summarize"], input='{"id": "7", "body": "x"}\n')
    assert result.exit_code == 1
    assert result.output == "Error: <stdin>, line 1: field 'text' is missing; name the text field with --field\n"


def test_summarize_rejects_bad_jsonl_naming_the_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["summarize"], input='{"text": "Une phrase."}\nnot json\n')
    assert result.exit_code == 1
    assert "line 2: not valid JSON" in result.output


def test_a_record_language_that_is_a_path_opens_no_file(runner: CliRunner, plain_folder: Path) -> None:
    (plain_folder / "secret.txt").write_bytes(b"\xff\xfe not UTF-8")
    code = path_as_language_code(plain_folder / "secret")
    record = {"id": "a", "text": ARTICLE, "lang": code}
    result = runner.invoke(main, ["summarize"], input=json.dumps(record) + "\n")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # an unknown language is no language: detected from the text, as if the record had none
    assert out == {**record, "summary": " ".join(summarize(ARTICLE, "fr", 3))}  # the record keeps what it said


def test_a_lang_option_briefing_does_not_know_is_refused_at_once(runner: CliRunner) -> None:
    result = runner.invoke(main, ["summarize", "--lang", "../../etc/passwd"], input='{"text": "Une phrase."}\n')
    assert result.exit_code == 2
    assert ("Invalid value for '--lang': '../../etc/passwd' is not a language code briefing knows "
            "(give an ISO 639-1 code such as fr, or auto)") in result.stderr


def test_a_summary_never_repeats_a_headline_made_from_its_lead() -> None:
    text = ("Cédric Herrou a été entendu. Le tribunal de Nice a examiné mardi le cas de l'agriculteur, poursuivi "
            "pour avoir aidé des migrants. Sa défense invoque le principe de fraternité. Le jugement sera rendu "
            "en septembre, selon son avocat.")
    article = make_article(text=text, title="Cédric Herrou a été entendu", title_derived=True)
    summary = summarize_article(article, 2).summary
    assert not summary.startswith("Cédric Herrou a été entendu")
    assert summary.startswith("Le tribunal de Nice a examiné")  # the lead is kept whole, after the headline


def test_text_without_sentence_ends_gives_a_summary_of_news_sentence_pieces(runner: CliRunner) -> None:
    """A transcript or a scrape that lost its punctuation is one run: cut into 2,000-character pieces, a
    three-sentence summary was 6,000 characters (a 59-page PDF for 45 such articles). Pieces are now as long
    as a long news sentence."""
    from briefing.options import DEFAULT_SENTENCES
    from briefing.text.settings import SENTENCE_MAX_CHARS

    phrase = ("le gouvernement a présenté mardi un programme de soutien aux jeunes entreprises du numérique "
              "et les syndicats ont demandé une réunion avec le ministre avant la fin du mois")
    words = phrase.split(" ")
    run = " ".join(words[n % len(words)] + ("s" if n % 7 == 0 else "") for n in range(5_000))
    result = runner.invoke(main, ["summarize", "--lang", "fr"], input=json.dumps({"id": "1", "text": run}) + "\n")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert 0 < len(summary) <= DEFAULT_SENTENCES * (SENTENCE_MAX_CHARS + 1) <= 2_000
    assert set(summary.split()) <= set(run.split())
