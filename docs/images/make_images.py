"""Regenerate the README's pictures from real builds: the seeds, and a real multi-story week.

    python docs/images/make_images.py [--engine apertium] [--keep DIR]

Both briefings are made by `python -m briefing build`, as a user makes them:
- `seeds/`: the five French scrapes in the repository;
- a week of the shared development data (`../shared/eval/`): the 5 MultiLing events as a French/English mix
  (each event's French articles 0-4 and English articles 5-9, real Wikinews text) and 60 single French
  articles (OrangeSum validation, orange.fr), written as one JSON source with dates spread over one ISO week,
  grouped into the week's own themes (`--auto-themes`: the default taxonomy is the seeds' domain).

Then headless Chromium takes screenshots of the week's email (600 and 375 px, dark mode), and pdftoppm
converts PDF pages (Debian packages: chromium, poppler-utils).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EVAL = ROOT.parent / "shared" / "eval"
WEEK, MONDAY = "2025-W40", dt.date(2025, 9, 29)
CREATED = "2025-10-06T08:00:00"
SINGLES = 60  # single-article stories beside the five events: a week's long tail
SEED = 3  # dates are spread the same way every run


def week_source(path: Path) -> None:
    """Write the shared-data week as one JSON source (see the module docstring)."""
    rng = random.Random(SEED)
    records: list[dict[str, str]] = []

    def add(record: dict[str, str]) -> None:
        records.append({**record, "date": (MONDAY + dt.timedelta(days=rng.randrange(7))).isoformat()})

    for line in (EVAL / "stories" / "multiling_docs.jsonl").open(encoding="utf-8"):
        doc = json.loads(line)
        if (doc["lang"] == "fr") == (int(doc["id"].split(".")[0][-1]) < 5):  # "M0037.en": event 3, article 7
            add({"title": doc["title"], "text": doc["text"], "lang": doc["lang"], "publisher": "Wikinews",
                 "url": f"https://multiling.example/{doc['id']}"})
    with (EVAL / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        for line, _ in zip(handle, range(SINGLES), strict=False):
            doc = json.loads(line)
            add({"title": doc["title"], "text": doc["article"], "lang": "fr", "publisher": "Orange Actualités",
                 "url": f"https://actu.orange.fr/{doc['id']}"})
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def build(sources: Path, out: Path, engine: str, *extra: str) -> tuple[Path, Path]:
    """`briefing build` as a user runs it; the PDF and the email it wrote."""
    subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(sources), "--out", str(out), "--engine", engine,
         "--no-cache", "--creation-date", CREATED, *extra],
        check=True, cwd=ROOT,
    )
    return next(out.glob("*.pdf")), next(out.glob("*.html"))


def screenshot(html: Path, name: str, width: int, height: int, *extra: str) -> None:
    """A headless Chromium picture of the email at `width` px."""
    subprocess.run(
        [shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={width},{height}", *extra, f"--screenshot={HERE / f'{name}.png'}", html.as_uri()],
        check=True, capture_output=True,
    )


def page(pdf: Path, number: int, name: str) -> None:
    """One PDF page as a PNG at 80 dpi."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile", str(pdf),
         str(HERE / name)],
        check=True,
    )


def first_theme_page(pdf: Path) -> int:
    """The number of the page after "At a glance": where the theme sections begin."""
    for number in range(2, 40):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        if "At a glance" in text.splitlines()[:4]:  # the running header
            return number + 1
    raise SystemExit(f"{pdf}: no 'At a glance' page in its first 40 pages")


def main() -> None:
    """Build both briefings and write the pictures beside this script."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="apertium", help="translation engine (default: apertium)")
    parser.add_argument("--keep", type=Path, help="keep the built briefings in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        seeds_pdf, _ = build(ROOT / "seeds", folder / "seeds", args.engine, "--title", "Vietnam digital economy")
        page(seeds_pdf, 1, "seeds-pdf-cover")
        page(seeds_pdf, 2, "seeds-pdf-top")
        source = folder / "week.json"
        folder.mkdir(parents=True, exist_ok=True)
        week_source(source)
        week_pdf, week_html = build(source, folder / "week", args.engine, "--week", WEEK, "--today", "2025-10-06",
                                   "--auto-themes")
        screenshot(week_html, "email-600", 600, 2150)
        screenshot(week_html, "email-375", 375, 2560)
        screenshot(week_html, "email-600-dark", 600, 1100, "--force-dark-mode",
                   "--blink-settings=preferredColorScheme=0")
        page(week_pdf, 2, "pdf-top")
        page(week_pdf, first_theme_page(week_pdf), "pdf-page")


if __name__ == "__main__":
    main()
