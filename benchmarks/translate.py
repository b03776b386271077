"""Translation quality and speed: `python benchmarks/translate.py [--limit N] [--repeat R] [--eval-dir DIR]`.

1. Quality, apertium: sacrebleu BLEU and chrF on `eval/newstest2013.{fr,en}` (the first --limit lines,
   default all 3000) for the raw pipe `apertium fr-es | apertium spa-eng` (the baseline, run as a user
   would in a shell) and for briefing's apertium engine, cache off. Lines per second are medians of
   --repeat runs, baseline and engine taking turns so machine load hits both alike.
   Bars: chrF >= the raw pipe's, BLEU not lower, speed >= 0.8x the raw pipe's lines/s.
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

ROOT = Path(__file__).resolve().parent.parent
SPEED_BAR = 0.8
ARGOS_LINES = 300  # the one-call-per-sentence loop is the slow side; 300 sentences give a stable median


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the apertium processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(func: Callable[[], list[str]], cpu: list[float] | None = None) -> tuple[list[str], float]:
    """The result and the wall-clock seconds of func(); its CPU seconds are appended to `cpu` when given."""
    start, start_cpu = time.perf_counter(), _cpu_seconds()
    result = func()
    if cpu is not None:
        cpu.append(_cpu_seconds() - start_cpu)
    return result, time.perf_counter() - start


def raw_pipe(source_file: Path) -> list[str]:
    """The baseline: apertium's two modes in a shell pipe, marks and all."""
    done = subprocess.run(f"apertium fr-es '{source_file}' | apertium spa-eng", shell=True, check=True,
                          capture_output=True, text=True)
    return done.stdout.split("\n")[: len(source_file.read_text(encoding="utf-8").splitlines())]


def scores(hypotheses: list[str], references: list[str]) -> tuple[float, float]:
    """Corpus BLEU and chrF (sacrebleu defaults, detokenized text)."""
    import sacrebleu

    return (sacrebleu.corpus_bleu(hypotheses, [references]).score,
            sacrebleu.corpus_chrf(hypotheses, [references]).score)


def quality(lines: list[str], references: list[str], repeat: int,
            work: Path) -> dict[str, tuple[float, float, float, float]]:
    """BLEU, chrF, median lines/s and median CPU seconds of the raw pipe and of briefing's apertium engine."""
    from briefing.translate import open_translator

    source_file = work / "source.fr"
    source_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    timings: dict[str, list[float]] = {"raw": [], "briefing": []}
    cpu: dict[str, list[float]] = {"raw": [], "briefing": []}
    outputs: dict[str, list[str]] = {}
    for _ in range(repeat):
        outputs["raw"], seconds = _timed(lambda: raw_pipe(source_file), cpu["raw"])
        timings["raw"].append(seconds)
        with open_translator("fr", "en", engine="apertium", use_cache=False) as translator:
            outputs["briefing"], seconds = _timed(lambda: translator.translate_lines(lines), cpu["briefing"])
        timings["briefing"].append(seconds)
    return {name: (*scores(outputs[name], references), len(lines) / statistics.median(timings[name]),
                   statistics.median(cpu[name])) for name in ("raw", "briefing")}


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
    parser.add_argument("--limit", type=int, default=3000, help="Lines of newstest2013 to use (default: all 3000).")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per side; the median is reported.")
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

        source = (args.eval_dir / "newstest2013.fr").read_text(encoding="utf-8").splitlines()[: args.limit]
        reference = (args.eval_dir / "newstest2013.en").read_text(encoding="utf-8").splitlines()[: args.limit]
        rows = quality(source, reference, args.repeat, work)
        cold, warm, cold_sent, warm_sent = cache_runs(source, work)
        batched, looped = argos_runs(source[:ARGOS_LINES], args.repeat, work)

    raw_bleu, raw_chrf, raw_speed, raw_cpu = rows["raw"]
    bleu, chrf, speed, cpu = rows["briefing"]
    print(f"Translation fr->en, newstest2013 (dev), {len(source)} lines, cache off, median of {args.repeat} runs")
    print()
    print(f"| {'engine':<44} | {'BLEU':>5} | {'chrF':>5} | {'lines/s':>7} | {'speed vs raw':>12} | {'CPU-s':>6} |")
    print(f"|{'-' * 46}|{'-' * 7}|{'-' * 7}|{'-' * 9}|{'-' * 14}|{'-' * 8}|")
    print(f"| {'raw pipe apertium fr-es | spa-eng (baseline)':<44} | {raw_bleu:5.2f} | {raw_chrf:5.2f} "
          f"| {raw_speed:7.1f} | {1.0:12.2f} | {raw_cpu:6.1f} |")
    print(f"| {'briefing apertium engine':<44} | {bleu:5.2f} | {chrf:5.2f} | {speed:7.1f} "
          f"| {speed / raw_speed:12.2f} | {cpu:6.1f} |")
    print("(CPU-s: median CPU seconds of the run, all processes; steadier than wall time on a shared machine)")
    print()
    print(f"bar chrF >= raw:          {'met' if chrf >= raw_chrf else 'NOT met'} ({chrf:.2f} vs {raw_chrf:.2f})")
    print(f"bar BLEU not lower:       {'met' if bleu >= raw_bleu else 'NOT met'} ({bleu:.2f} vs {raw_bleu:.2f})")
    print(f"bar speed >= {SPEED_BAR}x raw:    {'met' if speed >= SPEED_BAR * raw_speed else 'NOT met'} "
          f"({speed / raw_speed:.2f}x)")
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
