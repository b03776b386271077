"""A raw record becomes an Article: its date is never after the run date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest import ingest


def test_no_date_after_the_run_date(seeds_dir: Path) -> None:
    today = dt.date(2025, 10, 1)  # before 000's header date and 001's URL date
    result = ingest([str(seeds_dir)], today=today)
    by_seed = {Path(a.path).name[:3]: a for a in result.articles}
    assert all(a.date is None or a.date <= today for a in result.articles)
    assert by_seed["000"].date is None
    assert by_seed["002"].date == dt.date(2025, 1, 15)
    assert any("000_" in w and "date header 2025-10-04 is after the run date" in w for w in result.warnings)
    assert any("000_" in w and "no date found" in w for w in result.warnings)


def test_an_article_language_is_always_a_code_briefing_knows(tmp_path: Path) -> None:
    from briefing.text.language import known_language

    text = "Le ministère annonce un programme pour les start-up. " * 6
    (tmp_path / "a.json").write_text(json.dumps([
        {"title": "Un", "text": text, "lang": "../../../../tmp/x/secret"},
        {"title": "Deux", "text": text.replace("programme", "plan"), "language": "fr-FR"},
    ]), encoding="utf-8")
    (tmp_path / "b.html").write_text(f'<html lang="xx"><body><article><h1>Trois</h1><p>{text.replace("un", "le")}'
                                     "</p></article></body></html>", encoding="utf-8")
    result = ingest([str(tmp_path)], today=dt.date(2025, 10, 6))
    assert len(result.articles) == 3 and {a.lang for a in result.articles} == {"fr"}
    assert all(known_language(a.lang) for a in result.articles)


def test_a_record_whose_date_cannot_be_used_says_so_and_falls_back_to_its_text(
        tmp_path: Path, runner: CliRunner) -> None:
    """A JSON record's date that is no date (13th month, text, a list) or lies after the run date was dropped
    without a word, and the article took a date from its text or none."""
    events = ("un plan pour les transports publics", "une réforme des retraites", "un budget pour les écoles",
              "une loi sur le logement social")
    records = [{"title": f"Annonce {n}", "lang": "fr", "date": date,
                "text": f"Le gouvernement a présenté mardi {event} de la capitale, après des mois de débats. "
                        "Les syndicats ont salué une première étape et demandent des moyens supplémentaires. " * 3}
               for n, (date, event) in enumerate(zip(("2024-13-45", "2099-01-01", [1, 2], "2025-10-02"), events,
                                                     strict=True))]
    records.append({**records[0], "date": "bogus", "title": "Annonce datée",
                    "text": "Publié le 3 mars 2025. Les agriculteurs de la région ont bloqué trois autoroutes "
                            "jeudi pour protester contre la baisse des prix du lait. " * 3})
    (tmp_path / "week.json").write_text(json.dumps(records), encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(tmp_path / "week.json"), "--today", "2025-10-06", "--jsonl"])
    assert result.exit_code == 0, result.output
    dates = {a["title"]: a["date"] for a in map(json.loads, result.stdout.splitlines())}
    assert dates == {"Annonce 0": None, "Annonce 1": None, "Annonce 2": None, "Annonce 3": "2025-10-02",
                     "Annonce datée": "2025-03-03"}
    warned = [line for line in result.stderr.splitlines() if "ignored (a date in its text or link is used" in line]
    assert [line.split(": ", 2)[2].split(";")[0] for line in warned] == [
        "its date '2024-13-45' is not a date briefing reads", "its date '2099-01-01' is after the run date",
        "its date is a list, not a date", "its date 'bogus' is not a date briefing reads"]


def test_a_short_chinese_or_korean_brief_is_an_article_and_a_stub_in_any_script_is_not(
        tmp_path: Path, runner: CliRunner) -> None:
    """Three sentences of news take 64 characters in Chinese and 100 in Korean, against about 250 in English:
    the 200-character minimum skipped them as stubs."""
    texts = {
        "ko.txt": "서울시는 화요일 대중교통 요금을 내년 1월부터 150원 인상한다고 발표했다. 시민단체는 서민 부담이 "
                  "커진다며 반대 입장을 밝혔다. 시의회는 다음 달 요금 인상안을 표결할 예정이다.",
        "zh.txt": "北京市政府周二宣布，明年一月起地铁票价上调一元。市民团体表示反对，认为这将加重低收入家庭的负担。"
                  "市人大常委会将于下月审议该方案。",
        "zh-stub.txt": "北京市政府周二宣布地铁票价上调。",
        "en-stub.txt": "The city raised bus fares on Tuesday. Riders protested.",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(tmp_path), "--jsonl"])
    assert result.exit_code == 1, result.output
    assert sorted(Path(a["path"]).name for a in map(json.loads, result.stdout.splitlines())) == ["ko.txt", "zh.txt"]
    skipped = sorted(line.split(":")[0] for line in result.stderr.splitlines() if line.startswith("skipped"))
    assert skipped == [f"skipped {tmp_path / 'en-stub.txt'}", f"skipped {tmp_path / 'zh-stub.txt'}"]
