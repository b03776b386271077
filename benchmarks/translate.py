"""Translation quality and speed: `python benchmarks/translate.py [--limit N] [--repeat R] [--sets A,B]`.

1. Quality, apertium French -> English: sacrebleu BLEU and chrF (detokenized, one line per source line)
   on `eval/newstest2013.{fr,en}` (the development test: nothing was learnt from it) and, with `--sets`,
   on the translation sets of `eval/translation/` (newstest2012 was held back from learning). Rows: the
   raw pipe `apertium -u fr-es | apertium -u spa-eng` (the baseline; the same pipe with its unknown-word
   marks, as a plain shell pipe prints them, scores lower), briefing's apertium engine with none of its
   editing steps (the engine before), then each step
   added in turn with its gain: unknown words (Catalan chains, FreeDict, cognates), the pre-edit of French
   inversions, the learned rewrites (the engine now). Cache off.
   Bars: chrF >= raw + 1.5 and BLEU >= raw + 1.0, at >= 0.4x the raw pipe's lines/s (median of --repeat
   runs, raw pipe and engine taking turns so machine load hits both alike; CPU seconds beside).
2. Cache: the same lines through briefing's apertium engine twice with one fresh cache file:
   the cold run fills it, the warm run should do no translation work.
3. Argos: a tiny CTranslate2 + SentencePiece package built offline (tests/tiny_argos.py), installed in a
   temporary folder; sentences/s of one batched call against one call per sentence, over the same lines.
   The tiny model's output is nonsense: this measures the plumbing, not quality.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
SPEED_BAR = 0.4
CHRF_BAR, BLEU_BAR = 1.5, 1.0  # points above the raw pipe
ARGOS_LINES = 300  # the one-call-per-sentence loop is the slow side; 300 sentences give a stable median


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the apertium processes)."""
    return cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)


def _timed(func: Callable[[], list[str]], cpu: list[float] | None = None) -> tuple[list[str], float]:
    """The result and the wall-clock seconds of func(); its CPU seconds are appended to `cpu` when given."""
    start, start_cpu = time.perf_counter(), _cpu_seconds()
    result = func()
    if cpu is not None:
        cpu.append(_cpu_seconds() - start_cpu)
    return result, time.perf_counter() - start


def raw_pipe(source_file: Path, *, marks: bool = False) -> list[str]:
    """The baseline: apertium's two modes in a shell pipe, with `-u` (no unknown-word marks: the stronger
    baseline, which the gains are measured against) or with the marks a plain shell pipe prints."""
    flag = "" if marks else "-u "
    done = subprocess.run(f"apertium {flag}fr-es '{source_file}' | apertium {flag}spa-eng", shell=True, check=True,
                          capture_output=True, text=True)
    return done.stdout.split("\n")[: len(source_file.read_text(encoding="utf-8").splitlines())]


def scores(hypotheses: list[str], references: list[str]) -> tuple[float, float]:
    """Corpus BLEU and chrF (sacrebleu defaults, detokenized text)."""
    import sacrebleu

    return (sacrebleu.corpus_bleu(hypotheses, [references]).score,
            sacrebleu.corpus_chrf(hypotheses, [references]).score)


STEPS = (  # (row, steps switched on): each row adds one step to the one above
    ("briefing engine, no editing (before)", dict(preedit=False, unknown=False, rewrite=False)),
    ("  + unknown-word fallback", dict(preedit=False, unknown=True, rewrite=False)),
    ("  + pre-edit of French inversions", dict(preedit=True, unknown=True, rewrite=False)),
    ("  + learned rewrites = briefing engine now", dict(preedit=True, unknown=True, rewrite=True)),
)


def engine_translator(**steps: bool) -> Any:
    """briefing's Translator (protection, glossary, guards) around the apertium engine with these steps."""
    from briefing.translate.apertium import ApertiumEngine, Steps
    from briefing.translate.glossary import load_glossary
    from briefing.translate.translator import Translator

    return Translator(ApertiumEngine("fr", "en", steps=Steps(**steps)), "fr", "en",
                      glossary=load_glossary(None, "fr", "en"), cache=None)


def quality(lines: list[str], references: list[str], work: Path) -> list[tuple[str, float, float]]:
    """(row, BLEU, chrF) of the raw pipe and of the engine with each editing step added in turn."""
    source_file = work / "source.fr"
    source_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [("raw pipe apertium -u fr-es | spa-eng (baseline)", *scores(raw_pipe(source_file), references)),
            ("raw pipe with its unknown-word marks", *scores(raw_pipe(source_file, marks=True), references))]
    for name, steps in STEPS:
        with engine_translator(**steps) as translator:
            rows.append((name, *scores(translator.translate_lines(lines), references)))
    return rows


def speed(lines: list[str], repeat: int, work: Path) -> dict[str, tuple[float, float]]:
    """Median lines/s and CPU seconds of the raw pipe and of the full engine, timed in turns."""
    source_file = work / "source.fr"
    source_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    timings: dict[str, list[float]] = {"raw": [], "briefing": []}
    cpu: dict[str, list[float]] = {"raw": [], "briefing": []}
    for _ in range(repeat):
        _, seconds = _timed(lambda: raw_pipe(source_file), cpu["raw"])
        timings["raw"].append(seconds)
        with engine_translator(**STEPS[-1][1]) as translator:
            _, seconds = _timed(lambda: translator.translate_lines(lines), cpu["briefing"])
        timings["briefing"].append(seconds)
    return {name: (len(lines) / statistics.median(timings[name]), statistics.median(cpu[name]))
            for name in timings}


def _print_quality(title: str, rows: list[tuple[str, float, float]]) -> tuple[float, float]:
    """The table of one set; returns the gains (BLEU, chrF) of the engine now over the raw pipe."""
    print(title)
    print()
    print(f"| {'system':<46} | {'BLEU':>5} | {'chrF':>5} | {'step BLEU':>9} | {'step chrF':>9} "
          f"| {'vs raw BLEU':>11} | {'vs raw chrF':>11} |")
    print(f"|{'-' * 48}|{'-' * 7}|{'-' * 7}|{'-' * 11}|{'-' * 11}|{'-' * 13}|{'-' * 13}|")
    _, raw_bleu, raw_chrf = rows[0]
    previous = rows[0]
    for number, (name, bleu, chrf) in enumerate(rows):
        steps = f"{bleu - previous[1]:+9.2f} | {chrf - previous[2]:+9.2f}" if number > 2 else f"{'':>9} | {'':>9}"
        versus = f"{bleu - raw_bleu:+11.2f} | {chrf - raw_chrf:+11.2f}" if number else f"{'':>11} | {'':>11}"
        print(f"| {name:<46} | {bleu:5.2f} | {chrf:5.2f} | {steps} | {versus} |")
        previous = (name, bleu, chrf)
    print()
    return rows[-1][1] - raw_bleu, rows[-1][2] - raw_chrf


def cache_runs(lines: list[str], work: Path) -> tuple[float, float, int, int]:
    """Seconds of a cold and a warm run over one fresh cache, and the sentences each sent to the engine."""
    from briefing.translate import open_translator

    cache_path = work / "cache.sqlite"
    results = []
    for _ in range(2):
        with open_translator("fr", "en", engine="apertium", cache_path=cache_path) as translator:
            _, seconds = _timed(lambda: translator.translate_lines(lines))
            results.append((seconds, translator.stats.translated))
    (cold, cold_sent), (warm, warm_sent) = results
    return cold, warm, cold_sent, warm_sent


def argos_runs(lines: list[str], repeat: int, work: Path) -> tuple[float, float]:
    """Median seconds of one batched call and of one call per line (newstest: one sentence a line)."""
    sys.path.insert(0, str(ROOT))
    from briefing.translate import open_translator
    from briefing.translate.argos import install_model_file
    from tests.tiny_argos import build_package

    install_model_file(build_package(work / "argos-build"))
    batched, looped = [], []
    with open_translator("fr", "en", engine="argos", use_cache=False) as translator:
        translator.translate_lines(lines[:1])  # warm-up: first call allocates CTranslate2's buffers
        for _ in range(repeat):
            first, seconds = _timed(lambda: translator.translate_lines(lines))
            batched.append(seconds)
            second, seconds = _timed(lambda: [translator.translate_lines([line])[0] for line in lines])
            looped.append(seconds)
            if first != second:
                print("warning: batched and one-by-one outputs differ", file=sys.stderr)
    return statistics.median(batched), statistics.median(looped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=3000, help="Lines of each set to use (default: 3000).")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per side; the median is reported.")
    parser.add_argument("--sets", default="", help="Also these eval/translation sets, e.g. newstest2012.")
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    # The tiny model's nonsense trips the guards on purpose; one warning per sentence would drown the tables.
    logging.getLogger("briefing").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="bench-translate-") as tmp:
        work = Path(tmp)
        # argostranslate reads these on import: keep the user's real Argos folders out of the benchmark.
        os.environ["ARGOS_PACKAGES_DIR"] = str(work / "argos-packages")
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            os.environ[name] = str(work / name.lower())

        sets = {"newstest2013 (dev test)": (args.eval_dir / "newstest2013.fr", args.eval_dir / "newstest2013.en")}
        for name in filter(None, args.sets.split(",")):
            folder = args.eval_dir / "translation"
            sets[name] = (folder / f"{name}.fra", folder / f"{name}.eng")
        tables = {}
        for name, (fr, en) in sets.items():
            source = fr.read_text(encoding="utf-8").splitlines()[: args.limit]
            reference = en.read_text(encoding="utf-8").splitlines()[: args.limit]
            tables[name] = (len(source), quality(source, reference, work))
        source = (args.eval_dir / "newstest2013.fr").read_text(encoding="utf-8").splitlines()[: args.limit]
        rates = speed(source, args.repeat, work)
        cold, warm, cold_sent, warm_sent = cache_runs(source, work)
        batched, looped = argos_runs(source[:ARGOS_LINES], args.repeat, work)

    print("Translation fr->en with apertium, cache off")
    print()
    gains = {}
    for name, (count, rows) in tables.items():
        gains[name] = _print_quality(f"{name}, {count} lines", rows)
    (raw_speed, raw_cpu), (new_speed, new_cpu) = rates["raw"], rates["briefing"]
    print(f"Speed on newstest2013, {len(source)} lines, median of {args.repeat} runs taking turns")
    print()
    print(f"| {'system':<30} | {'lines/s':>7} | {'CPU-s':>6} | {'speed vs raw':>12} |")
    print(f"|{'-' * 32}|{'-' * 9}|{'-' * 8}|{'-' * 14}|")
    print(f"| {'raw pipe':<30} | {raw_speed:7.1f} | {raw_cpu:6.1f} | {1.0:12.2f} |")
    print(f"| {'briefing engine now':<30} | {new_speed:7.1f} | {new_cpu:6.1f} | {new_speed / raw_speed:12.2f} |")
    print("(CPU-s: median CPU seconds of the run, all processes; steadier than wall time on a shared machine)")
    print()
    bleu_gain, chrf_gain = gains["newstest2013 (dev test)"]
    print(f"bar chrF >= raw + {CHRF_BAR}:   {'met' if chrf_gain >= CHRF_BAR else 'NOT met'} ({chrf_gain:+.2f})")
    print(f"bar BLEU >= raw + {BLEU_BAR}:   {'met' if bleu_gain >= BLEU_BAR else 'NOT met'} ({bleu_gain:+.2f})")
    print(f"bar speed >= {SPEED_BAR}x raw:    {'met' if new_speed >= SPEED_BAR * raw_speed else 'NOT met'} "
          f"({new_speed / raw_speed:.2f}x)")
    print()
    print(f"Cache, briefing apertium engine, same {len(source)} lines, one fresh cache file")
    print()
    print(f"| {'run':<6} | {'seconds':>8} | {'lines/s':>8} | {'sentences translated':>20} |")
    print(f"|{'-' * 8}|{'-' * 10}|{'-' * 10}|{'-' * 22}|")
    print(f"| {'cold':<6} | {cold:8.2f} | {len(source) / cold:8.1f} | {cold_sent:20d} |")
    print(f"| {'warm':<6} | {warm:8.2f} | {len(source) / warm:8.1f} | {warm_sent:20d} |")
    print(f"cache speed-up on rerun: {cold / warm:.1f}x")
    print()
    argos_sentences = len(source[:ARGOS_LINES])
    print(f"Argos plumbing, tiny offline model, first {argos_sentences} newstest lines (one sentence each), "
          f"median of {args.repeat} runs")
    print()
    print(f"| {'mode':<22} | {'seconds':>8} | {'sentences/s':>11} |")
    print(f"|{'-' * 24}|{'-' * 10}|{'-' * 13}|")
    print(f"| {'one call per sentence':<22} | {looped:8.2f} | {argos_sentences / looped:11.1f} |")
    print(f"| {'batched':<22} | {batched:8.2f} | {argos_sentences / batched:11.1f} |")
    print(f"batched speed-up: {looped / batched:.1f}x")


if __name__ == "__main__":
    main()
