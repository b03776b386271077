"""Regenerate the README's pictures: the email at 600 and 375 px (and dark mode), the PDF's cover, its top
stories and a theme page.

    python docs/images/make_images.py

Renders a small sample briefing (below, written for the pictures) with `briefing.render`, then takes
headless Chromium screenshots of the email HTML and converts two PDF pages with pdftoppm
(Debian packages: chromium, poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from briefing.records import Article, Briefing, Period, Section, Story  # noqa: E402
from briefing.render import render  # noqa: E402
from briefing.stories.rank import rank  # noqa: E402

PERIOD = Period(dt.date(2025, 9, 29), dt.date(2025, 10, 5), "2025-W40")

SAMPLE: dict[str, list[tuple[str, str, str, str, str, dt.date | None]]] = {
    "Technology": [
        ("Le Vietnam lance un programme national pour les start-up en IA",
         "Vietnam launches a national programme for AI start-ups",
         "General Secretary Tô Lâm said the digital economy could reach 130 billion USD by 2040. "
         "The programme will train 50,000 engineers and fund 1,000 start-ups over five years. "
         "Minister Nguyễn Mạnh Hùng will oversee the programme from Hà Nội.",
         "Le secrétaire général Tô Lâm a déclaré que l'économie numérique pourrait atteindre 130 milliards "
         "de dollars d'ici 2040.", "VNA", dt.date(2025, 10, 1)),
        ("Hô Chi Minh-Ville inaugure un centre de données vert",
         "Ho Chi Minh City opens a green data centre",
         "The 60 MW centre runs on solar power for 40% of its needs. It is the first of three planned "
         "by 2027.", "Le centre de 60 MW fonctionne à 40 % à l'énergie solaire.", "Le Courrier du Vietnam",
         dt.date(2025, 10, 3)),
    ],
    "Economy": [
        ("Les exportations vietnamiennes en hausse de 12,5 % en septembre",
         "Vietnamese exports up 12.5% in September",
         "Exports rose 12.5% year on year, led by electronics and textiles. The trade surplus reached "
         "2.1 billion USD, according to the General Statistics Office.",
         "Les exportations ont augmenté de 12,5 % sur un an.", "VNA", dt.date(2025, 10, 2)),
        ("La France et le Vietnam signent un accord sur l'hydrogène",
         "France and Vietnam sign a hydrogen agreement",
         "The agreement covers 300 million EUR of joint projects in the Mekong Delta. French companies "
         "will supply electrolysers for two pilot plants.",
         "L'accord porte sur 300 millions d'euros de projets communs.", "Le Monde", None),
    ],
    "Society": [
        ("Des pluies record inondent le centre du pays",
         "Record rains flood the centre of the country",
         "Floods forced 25,000 households to leave their homes in Quảng Nam and Thừa Thiên Huế. "
         "Schools in three provinces are closed until Monday.",
         "Les inondations ont forcé 25 000 foyers à quitter leur logement.", "VNA", dt.date(2025, 10, 4)),
    ],
}


# Other outlets that covered the same events (publisher, language, date): the sample's stories have sources.
ALSO_COVERED: dict[int, tuple[tuple[str, str, dt.date], ...]] = {
    1: (("Tuổi Trẻ", "vi", dt.date(2025, 10, 1)), ("Reuters", "en", dt.date(2025, 10, 2)),
        ("Nikkei Asia", "en", dt.date(2025, 10, 2))),
    3: (("Reuters", "en", dt.date(2025, 10, 2)),),
    5: (("Thanh Niên", "vi", dt.date(2025, 10, 4)), ("AFP", "fr", dt.date(2025, 10, 5))),
}


def sample_briefing() -> Briefing:
    """The briefing the pictures show: stories ranked by their sources, in themed sections."""
    stories = []
    number = 0
    for theme, items in SAMPLE.items():
        for title, title_en, summary_en, summary, publisher, date in items:
            number += 1
            lead = Article(
                id=f"a{number}", path=f"sample/{number}.html", title=title, text=summary, lang="fr", date=date,
                url=f"https://example.org/news/{number}", publisher=publisher, summary=summary,
            )
            others = tuple(
                Article(id=f"a{number}-{i}", path=f"sample/{number}-{i}.html", title=title_en, text=summary_en,
                        lang=lang, date=day, url=f"https://example.org/{lang}/{number}-{i}", publisher=name)
                for i, (name, lang, day) in enumerate(ALSO_COVERED.get(number, ()), 1)
            )
            stories.append(Story(id=f"s{number}", articles=(lead, *others), lang="fr", title=title,
                                 summary=summary, title_en=title_en, summary_en=summary_en, theme=theme))
    ranked = rank(stories, PERIOD)
    sections = tuple(
        Section(theme, tuple(s for s in ranked if s.theme == theme), ("Tô Lâm", "AI", "exports"))
        for theme in SAMPLE
    )
    articles = [a for s in ranked for a in s.articles]
    return Briefing(
        title="Vietnam Weekly", period=PERIOD, sections=sections, generated=dt.datetime(2025, 10, 6, 8, 0),
        languages=tuple(sorted({a.lang for a in articles})),
        publishers=tuple(sorted({a.publisher or "" for a in articles})), translated=True, engine="argos",
        undated=sum(1 for a in articles if a.date is None),
    )


def main() -> None:
    """Render the sample and write the four PNGs beside this script."""
    with tempfile.TemporaryDirectory() as folder:
        outputs = render(sample_briefing(), Path(folder), bilingual=True, top=3)
        shots = (("email-600", 600, 2150, ()), ("email-375", 375, 2560, ()),
                 ("email-600-dark", 600, 1100, ("--force-dark-mode", "--blink-settings=preferredColorScheme=0")))
        for name, width, height, extra in shots:
            subprocess.run(
                [shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                 "--hide-scrollbars", f"--window-size={width},{height}", *extra,
                 f"--screenshot={HERE / f'{name}.png'}", outputs.html.as_uri()],
                check=True, capture_output=True,
            )
        for page, name in ((1, "pdf-cover"), (2, "pdf-top"), (4, "pdf-page")):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                 str(outputs.pdf), str(HERE / name)],
                check=True,
            )


if __name__ == "__main__":
    main()
