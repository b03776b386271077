"""Duplicates: exact and near copies merged into the richer one, different stories kept apart."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from briefing.ingest import ingest
from tests.ingest.conftest import DATA, STORY, TODAY


def test_exact_duplicates_merge(tmp_path: Path, seeds_dir: Path) -> None:
    seed = next(seeds_dir.glob("000_*.txt"))
    for name in ("a.txt", "b.txt"):
        shutil.copy(seed, tmp_path / name)
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.articles) == 1
    [merged] = result.merged
    assert merged.kept_id == result.articles[0].id
    assert merged.reason == "exact duplicate"


def test_near_duplicate_keeps_the_richer_copy(tmp_path: Path, seeds_dir: Path) -> None:
    full = next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    paragraphs = [p for p in full.split("\n\n") if p.strip()]
    # a repost: no headline, no dateline, one paragraph dropped, lightly edited, no teasers
    repost = "\n\n".join(p.replace("Hanoi (VNA) – ", "") for p in paragraphs[3:16] if "Photo" not in p)
    repost = repost.replace("a souligné", "a insisté sur")
    (tmp_path / "a_repost.txt").write_text(repost, encoding="utf-8")
    (tmp_path / "b_full.txt").write_text(full, encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    [article] = result.articles
    assert article.path.endswith("b_full.txt")
    assert article.publisher == "VNA" and article.title_derived is False
    [merged] = result.merged
    assert merged.dropped.endswith("a_repost.txt")
    assert merged.reason.startswith("near duplicate (similarity ")


def test_different_stories_do_not_merge(seeds_dir: Path) -> None:
    result = ingest([str(seeds_dir), str(DATA / "feed.rss")], today=TODAY)
    assert len(result.articles) == 7
    assert not result.merged


def test_merged_copy_gives_missing_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY + "\n\nSource : https://ville.example/2025/05/12/piscine",
                                    encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"title": "La piscine rénovée", "text": STORY}), encoding="utf-8")
    [article] = ingest([str(tmp_path)], today=TODAY).articles
    assert article.title == "La piscine rénovée"
    assert article.url == "https://ville.example/2025/05/12/piscine"
    assert article.date == dt.date(2025, 5, 12)


FOOTER = (
    "Cet article vous a été proposé par la rédaction. Retrouvez toute l'actualité de votre région sur notre site, "
    "abonnez-vous à la lettre d'information du matin et suivez-nous sur les réseaux sociaux pour ne rien manquer. "
    "Tous les contenus de ce site sont protégés par le droit d'auteur et ne peuvent être reproduits sans accord écrit."
)


def test_a_footer_shared_by_every_file_neither_merges_stories_nor_hides_copies(tmp_path: Path,
                                                                             shared_dir: Path) -> None:
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        stories = [json.loads(line) for _, line in zip(range(90), handle, strict=False)]
    assert len(FOOTER.split()) >= 55
    for number, story in enumerate(stories):
        (tmp_path / f"{number:03d}.txt").write_text(f"{story['article']}\n\n{FOOTER}\n", encoding="utf-8")
    for number, story in enumerate(stories[:30]):  # near copies: the last sentence gone, a word changed
        sentences = story["article"].split(". ")
        edited = ". ".join(sentences[:-1]).replace(" le ", " ce ", 1)
        (tmp_path / f"copy-{number:03d}.txt").write_text(f"{edited}\n\n{FOOTER}\n", encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.merged) == 30
    assert sorted(Path(m.dropped).name for m in result.merged) == [f"copy-{n:03d}.txt" for n in range(30)]


def test_a_richer_copy_passes_its_text_on_so_a_later_copy_of_it_still_merges(tmp_path: Path,
                                                                           shared_dir: Path) -> None:
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        first, second = (json.loads(line)["article"] for _, line in zip(range(2), handle, strict=False))
    (tmp_path / "a_short.txt").write_text(first, encoding="utf-8")
    (tmp_path / "b_longer.txt").write_text(f"{first}\n\n{second}", encoding="utf-8")  # a's text and more: wins
    # a copy of b's second half only: it shares nothing with a, everything with what b brought
    (tmp_path / "c_part.txt").write_text(second.replace(" le ", " ce ", 1), encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    [article] = result.articles
    assert article.path.endswith("b_longer.txt")
    assert sorted(Path(m.dropped).name for m in result.merged) == ["a_short.txt", "c_part.txt"]


def test_a_story_carried_by_sixty_outlets_each_adding_a_sentence_is_one_article(tmp_path: Path,
                                                                              seeds_dir: Path) -> None:
    """Every phrase the copies share is in more than COMMON_SHINGLE_ARTICLES files, like a site's footer: left
    out of the comparison, it left each copy only its own sentence, and none merged."""
    story = next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    paragraphs = story.split("\n\n")
    for number in range(60):
        added = f"Le journal numéro {number} a publié cette dépêche dans son édition régionale du matin."
        (tmp_path / f"{number:02d}.txt").write_text("\n\n".join([*paragraphs[:5], added, *paragraphs[5:]]),
                                                    encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.articles) == 1
    assert len(result.merged) == 59 and all(m.reason.startswith("near duplicate") for m in result.merged)


def test_sixty_stories_under_one_long_footer_stay_sixty_and_their_copies_still_merge(tmp_path: Path,
                                                                                  shared_dir: Path) -> None:
    """Each file is an 80-word story under a 1,000-word footer (a site's "read also" of other articles): most
    of it is common, but each story has enough of its own to be compared on that alone."""
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        stories = [json.loads(line) for _, line in zip(range(64), handle, strict=False)]
    footer = "\n\n".join(" ".join(s["article"].split()[:250]) for s in stories[60:])
    for number, story in enumerate(stories[:60]):
        lead = " ".join(story["article"].split()[:80])
        (tmp_path / f"{number:02d}.txt").write_text(f"{story['title']}\n\n{lead}\n\n{footer}\n", encoding="utf-8")
    lead = " ".join(stories[0]["article"].split()[:80])
    (tmp_path / "copy.txt").write_text(f"{stories[0]['title']}\n\n{lead.replace(' le ', ' ce ', 1)}\n\n{footer}\n",
                                       encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.articles) == 60
    assert [Path(m.dropped).name for m in result.merged] == ["copy.txt"]


def test_a_story_many_outlets_carry_merges_into_the_one_that_ran_it_with_more(tmp_path: Path,
                                                                            shared_dir: Path) -> None:
    """One outlet ran the story and 880 words of its own; 55 others ran it with one sentence added each."""
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        first, second = (json.loads(line)["article"] for _, line in zip(range(2), handle, strict=False))
    story = " ".join(first.split()[:190])
    (tmp_path / "a_long.txt").write_text(f"{story}\n\n{' '.join(second.split()[:880])}", encoding="utf-8")
    for number in range(55):
        (tmp_path / f"b{number:02d}.txt").write_text(f"{story}\n\nRepris par le journal numéro {number}.",
                                                     encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    [article] = result.articles
    assert article.path.endswith("a_long.txt") and len(result.merged) == 55
