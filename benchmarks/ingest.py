"""Ingestion quality and speed on real pages: `python benchmarks/ingest.py [--eval-dir DIR]`.

1. HTML main text: token-level F1 of `ingest.read_bytes` against `eval/html/expected/*.txt`, beside the
   baseline measured in the same run (trafilatura's default `extract`, no cleaning). Tokens are lower-case
   `\\w+` runs, except that CJK, kana, Thai, Lao, Khmer and Myanmar characters count one each (those scripts
   do not put spaces between words). The issue's bar: F1 >= 0.90 on every page with an expected file.
2. Language: the code found for each of the 12 pages against the language its file name says.
3. Seeds: date, URL, publisher and language found for each seed article.
Times are medians of `--repeat` runs per page.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import re
import statistics
import sys
import time
from pathlib import Path

import trafilatura

from briefing.errors import IngestError
from briefing.ingest import ingest, read_bytes

ROOT = Path(__file__).resolve().parent.parent
F1_BAR = 0.90
TODAY = dt.date(2026, 1, 1)  # fixed run date: the report is the same every time
LANGS = {
    "arabic": "ar", "bengali": "bn", "burmese": "my", "chinese": "zh", "cnn": "en", "french": "fr",
    "japanese": "ja", "japanese2": "ja", "latvian": "lv", "polish": "pl", "spanish": "es", "thai": "th",
}
_TOKEN = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\w+")


def tokens(text: str) -> collections.Counter[str]:
    """Lower-case word tokens; one token per character in scripts written without spaces."""
    return collections.Counter(_TOKEN.findall(text.casefold()))


def f1(found: str, expected: str) -> float:
    """Token-level F1 (bag of tokens, as in the trafilatura and newspaper evaluations)."""
    a, b = tokens(found), tokens(expected)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def _timed(func: object, repeat: int) -> tuple[object, float]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return result, statistics.median(times) * 1000


def html_table(eval_dir: Path, repeat: int) -> bool:
    """Print the HTML table; True when every bar is met."""
    pages = sorted(eval_dir.glob("*.html"))
    print(f"HTML main text vs expected/ ({eval_dir}); baseline = trafilatura.extract defaults, no cleaning")
    print(f"{'page':<22}{'lang':>5}{'found':>7}{'F1':>8}{'base F1':>9}{'ms':>8}{'base ms':>9}")
    ours, base, ok_lang, ok = [], [], 0, True
    times: list[float] = []
    base_times: list[float] = []
    for page in pages:
        key = page.stem.replace("_article", "")
        data = page.read_bytes()
        try:
            articles, ms = _timed(lambda data=data, page=page: read_bytes(data, page.name, today=TODAY), repeat)
            article = articles[0]  # type: ignore[index]
            text, lang = article.text, article.lang
        except IngestError as exc:
            text, lang, ms = "", f"({exc})", 0.0
        baseline, base_ms = _timed(lambda data=data: trafilatura.extract(data) or "", repeat)
        expected_file = eval_dir / "expected" / f"{key}.txt"
        want = LANGS.get(key, "?")
        ok_lang += lang == want
        ok &= lang == want
        row = f"{page.name:<22}{lang:>5}{'ok' if lang == want else 'NO ' + want:>7}"
        if expected_file.exists():
            expected = expected_file.read_text(encoding="utf-8")
            score, base_score = f1(text, expected), f1(str(baseline), expected)
            ours.append(score)
            base.append(base_score)
            ok &= score >= F1_BAR
            row += f"{score:>8.3f}{base_score:>9.3f}"
        else:
            row += f"{'-':>8}{'-':>9}"
        print(row + f"{ms:>8.1f}{base_ms:>9.1f}")
        times.append(ms)
        base_times.append(base_ms)
    print(f"median F1 {statistics.median(ours):.3f} (baseline {statistics.median(base):.3f}); "
          f"min F1 {min(ours):.3f} (bar {F1_BAR}); pages >= bar: {sum(s >= F1_BAR for s in ours)}/{len(ours)}; "
          f"languages right: {ok_lang}/{len(pages)}")
    print(f"median time per page {statistics.median(times):.0f} ms (baseline {statistics.median(base_times):.0f} ms, "
          f"ratio {statistics.median(times) / statistics.median(base_times):.2f}x: cleaning, metadata and language)")
    return ok


def seeds_table(seeds: Path) -> None:
    """Print what ingestion found in the seed articles."""
    start = time.perf_counter()
    result = ingest([str(seeds)], today=TODAY)
    ms = (time.perf_counter() - start) * 1000
    print(f"\nseeds ({seeds}): {len(result.articles)} article(s), {len(result.skipped)} skipped, "
          f"{len(result.merged)} merged, {ms:.0f} ms")
    print(f"{'file':<30}{'date':>12}{'lang':>5}  {'publisher':<16}{'chars':>6}  url")
    for a in result.articles:
        date = a.date.isoformat() if a.date else "-"
        print(f"{Path(a.path).name:<30}{date:>12}{a.lang:>5}  {a.publisher or '-':<16}{len(a.text):>6}  "
              f"{(a.url or '-')[:60]}")


def main() -> int:
    """Run the benchmark; exit 1 when a bar is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval" / "html")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ok = html_table(args.eval_dir, args.repeat)
    if args.seeds.is_dir():
        seeds_table(args.seeds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
