"""What one `briefing email` run costs against a plain build, on the same inputs, in one run.

    python benchmarks/deliver.py [--sources seeds/] [--runs 3] [--translate]

A real aiosmtpd server on 127.0.0.1 receives the mail. Each run uses a fresh output folder:

- build         pipeline.build alone: the baseline
- email, cold   pipeline.email(): build, compose, send over SMTP, write the ledger
- email, retry  the same inputs to another recipient list (as a cron retry after a refused login):
                the digest is reused, only compose + send + ledger remain
- email, again  the same command once more: the ledger says it was sent; nothing goes out
- compose       building the MIME message from the digest files (text, HTML, PDF attached)

The table shows medians over the runs and each step's time against the baseline of the same run.
Without --translate the build skips translation (the translation cache would hide its cost anyway).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing import pipeline  # noqa: E402
from briefing.deliver.addresses import parse_address, parse_recipients  # noqa: E402
from briefing.deliver.compose import compose, load_digest  # noqa: E402
from briefing.options import BuildOptions, MailOptions  # noqa: E402

TODAY = dt.date(2026, 11, 22)


class Sink:
    """aiosmtpd handler that counts accepted messages."""

    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted += 1
        return "250 queued"


class EphemeralController(Controller):
    """A Controller on a port the OS picks."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def timed(func: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def one_run(sources: tuple[str, ...], translate: bool, port: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        base = BuildOptions(sources=sources, out_dir=out / "build", translate=translate, engine="apertium",
                            today=TODAY)
        mail = MailOptions(recipients=("team@example.org",), sender="briefing@example.org",
                           smtp_host="127.0.0.1", smtp_port=port, security="plain")
        options = dataclasses.replace(base, out_dir=out / "email")
        times = {"build": timed(lambda: pipeline.build(base))[0]}
        times["email, cold"], cold = timed(lambda: pipeline.email(options, mail))
        assert cold.status == "sent", cold.message
        other = dataclasses.replace(mail, recipients=("boss@example.org",))
        times["email, retry"], retry = timed(lambda: pipeline.email(options, other))
        assert retry.status == "sent", retry.message
        times["email, again"], again = timed(lambda: pipeline.email(options, mail))
        assert again.status in ("already-sent", "empty"), again.message
        digest = load_digest(cold.report.outputs, title=options.title)
        sender, recipients = parse_address(mail.sender or "", "--from"), parse_recipients(
            mail.recipients)
        times["compose"] = timed(lambda: compose(digest, sender=sender, recipients=recipients,
                                                         attach_pdf=True))[0]
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=[str(ROOT / "seeds")])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--translate", action="store_true", help="Translate with apertium (default: no).")
    args = parser.parse_args()
    sink = Sink()
    controller = EphemeralController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        runs = [one_run(tuple(args.sources), args.translate, controller.port) for _ in range(args.runs)]
    finally:
        controller.stop()
    print(f"sources: {' '.join(args.sources)}; translate: {args.translate}; runs: {args.runs}; "
          f"messages accepted by the server: {sink.accepted} (2 per run expected)")
    print(f"{'step':<14} {'median s':>9} {'x build':>8}")
    baseline = statistics.median(r["build"] for r in runs)
    for step in runs[0]:
        median = statistics.median(r[step] for r in runs)
        print(f"{step:<14} {median:>9.3f} {median / baseline:>8.2f}")


if __name__ == "__main__":
    main()
