"""The stories stage as the pipeline and `briefing stories` run it: group, then make and rank each story.

1. grouping text  each article's title and lead; in a week of several languages those not in the target
                  language are translated (batched, cached) so that grouping compares one language (a
                  language no engine can translate is grouped among itself); a week of one language is
                  compared in it, and only its titles are translated
2. group          `group.group`, or a grouping given by the caller (`briefing stories --group-by FIELD`)
3. stories        headline, main language, one summary from all the articles, figure sentences
4. rank           `rank.rank`
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing import translate
from briefing.errors import BadInput
from briefing.log import get_logger
from briefing.options import DEFAULT_SENTENCES, TARGET_LANG
from briefing.records import Article, Mention, Period, Story
from briefing.runtime import parallel
from briefing.runtime.jsonl import Line, json_kind, quoted, record_key
from briefing.runtime.sqlite_cache import beside
from briefing.stories import group as grouping
from briefing.stories import rank as ranking
from briefing.stories import summary as summaries
from briefing.stories.entities import story_entities
from briefing.stories.settings import (
    GROUP_ONE_LANGUAGE_MIN_ITEMS,
    STORY_BORROWED_HEADLINE_SHARE,
)
from briefing.summarize import summarize_article
from briefing.summarize.settings import FIGURE_SENTENCES_MAX
from briefing.summarize.stage import same_words
from briefing.text.entities import entities, name_key
from briefing.text.headline import derived_title
from briefing.text.language import UNKNOWN, detect_language, known_language, language_key
from briefing.text.settings import ENTITY_CACHE_FILE, TITLE_MAX_CHARS
from briefing.text.terms import content_terms

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """How stories are made: the translation used for grouping and the summary length."""

    translate: bool = True
    target: str = TARGET_LANG
    engine: str = "auto"
    glossary: Path | None = None
    use_cache: bool = True
    cache_path: Path | None = None
    sentences: int | None = 3  # summary length in sentences, or
    words: int | None = None  # ...in words (sentences are added until it reaches this many)


@dataclass(frozen=True, slots=True)
class StoriesResult:
    """The ranked stories, the articles with their story set, and the engine that translated for grouping."""

    stories: tuple[Story, ...]
    articles: tuple[Article, ...]
    engine: str | None


def story_id(article_ids: Sequence[str]) -> str:
    """A stable id for the story of these articles, whatever their order."""
    digest = hashlib.sha256("\0".join(sorted(article_ids)).encode("utf-8")).hexdigest()
    return f"s{digest[:10]}"


def build_stories(articles: Sequence[Article], period: Period, options: StoryOptions,
                  given: Sequence[Sequence[int]] | None = None, executor: Executor | None = None) -> StoriesResult:
    """Group `articles` (already summarised one by one) into ranked stories.

    `given` replaces the grouping (lists of positions into `articles`). Raises ModelMissing when grouping
    needs a translation and no engine can translate any of the languages. With an executor, the grouping
    text is translated and embedded, and the stories of several articles summarised, on its workers.
    """
    articles = list(articles)
    if not articles:
        return StoriesResult((), (), None)
    # 1. grouping text (a given grouping needs no translation)
    items, engine = grouping_inputs(articles, dataclasses.replace(options, translate=options.translate and not given),
                                    executor)
    by_id = {item.id: item for item in items}
    # 2. group
    groups = [list(g) for g in given] if given is not None else grouping.group(items, executor)
    log.info("grouped %d article(s) into %d stor%s", len(articles), len(groups), "y" if len(groups) == 1 else "ies")
    # 3. stories
    stories = []
    placed: dict[str, Article] = {}
    for story in _make_stories(groups, articles, by_id, options, executor):
        for article in story.articles:
            title_en = _english_title(article, by_id[article.id])
            placed[article.id] = dataclasses.replace(article, story=story.id, title_en=title_en or article.title_en,
                                                     entities=by_id[article.id].entities)
        stories.append(dataclasses.replace(story, articles=tuple(placed[a.id] for a in story.articles)))
    # 4. rank
    ranked = ranking.rank(stories, period)
    return StoriesResult(tuple(ranked), tuple(placed[a.id] for a in articles), engine)


def _make_stories(groups: Sequence[Sequence[int]], articles: Sequence[Article],
                  items: Mapping[str, grouping.GroupInput], options: StoryOptions,
                  executor: Executor | None) -> list[Story]:
    """`make_story` of each group, in order: those of several articles (a summary to write) on the executor's
    workers, single articles (their summary is made already) here, where shipping them would cost more."""
    make = functools.partial(_story_of, options=options)

    def work(positions: Sequence[int]) -> tuple[list[Article], dict[str, grouping.GroupInput]]:
        members = [articles[i] for i in positions]
        return members, {a.id: items[a.id] for a in members}

    several = [n for n, positions in enumerate(groups) if len(positions) > 1]
    done = dict(zip(several, parallel.run_all(executor, make, [work(groups[n]) for n in several],
                                               stage="stories" if executor is not None else None), strict=True))
    return [done[n] if n in done else make(work(positions)) for n, positions in enumerate(groups)]


def _story_of(work: tuple[list[Article], dict[str, grouping.GroupInput]], *, options: StoryOptions) -> Story:
    """`make_story` in a form a worker can run."""
    members, items = work
    return make_story(members, options, items)


def grouping_inputs(articles: Sequence[Article], options: StoryOptions,
                    executor: Executor | None = None) -> tuple[list[grouping.GroupInput], str | None]:
    """What grouping reads of each article, and the engine that translated any of it.

    A week that mixes languages needs one language to compare them in: the title and lead of each article
    not in the target language are translated where an engine can. A week of one language is grouped in
    that language: translating its leads would be most of the week's translation time, for grouping no
    better (GROUP_ONE_LANGUAGE_MIN_ITEMS); only its titles are translated then, for `title_en`.
    """
    titles = ["" if a.title_derived else a.title for a in articles]
    leads = [grouping.lead_text(a.text, a.lang or "und") for a in articles]
    cache = beside(options.cache_path, ENTITY_CACHE_FILE) if options.use_cache else None
    mentions = article_entities(articles, titles, leads, cache=cache, executor=executor)
    # an article of unknown language cannot be translated: it does not make a week one of several languages
    languages = {language_key(a.lang) for a in articles if known_language(a.lang)}
    bridge = len(languages) > 1 or len(articles) < GROUP_ONE_LANGUAGE_MIN_ITEMS
    done: dict[str, list[translate.Translated] | None] = {}
    engine = None
    if options.translate:
        wanted: dict[str, list[str]] = {}
        for article, title, lead in zip(articles, titles, leads, strict=True):
            if article.lang != options.target and known_language(article.lang):
                wanted.setdefault(article.lang, []).extend((title, lead) if bridge else (title,))
        if wanted:
            log.info("translating the titles%s of %d article(s) for grouping", " and leads" if bridge else "",
                     sum(len(v) // (1 + bridge) for v in wanted.values()))
            done, engine = translate.translate_by_language(
                wanted, target=options.target, engine=options.engine, glossary=options.glossary,
                use_cache=options.use_cache, cache_path=options.cache_path, executor=executor,
            )
    at: Counter[str] = Counter()
    items = []
    for article, title, lead, names in zip(articles, titles, leads, mentions, strict=True):
        lang = space = article.lang or "und"
        title_en = title if language_key(lang) == language_key(options.target) else ""
        outputs = done.get(lang)
        if outputs is not None:
            title_en = outputs[at[lang]].text
            if bridge:
                title, lead = title_en, outputs[at[lang] + 1].text
                space = options.target
            at[lang] += 1 + bridge
        items.append(grouping.GroupInput(id=article.id, title=title, lead=lead, date=article.date, lang=lang,
                                         publisher=article.publisher, space=space, title_en=title_en,
                                         entities=names))
    return items, engine


def article_entities(articles: Sequence[Article], titles: Sequence[str], leads: Sequence[str], *,
                     cache: Path | None = None, executor: Executor | None = None) -> list[tuple[Mention, ...]]:
    """The names of each article's title and lead, in its own language (`briefing.text.entities`; `cache`
    keeps them by text; spaCy runs on the executor's workers when one is given), less its own publisher's
    name (an agency names itself in every dateline)."""
    texts = [f"{title}.\n{lead}" if title else lead for title, lead in zip(titles, leads, strict=True)]
    found = entities(texts, [a.lang or "und" for a in articles], cache=cache, executor=executor)
    return [tuple(m for m in names if not _publisher_name(m, a.publisher)) for a, names in zip(articles, found,
                                                                                             strict=True)]


def _publisher_name(mention: Mention, publisher: str | None) -> bool:
    return bool(publisher) and name_key(mention.name) == name_key(publisher or "")


def _english_title(article: Article, item: grouping.GroupInput) -> str:
    """The article's headline in the target language ("" when it has none there, or none at all)."""
    return "" if article.title_derived else item.title_en


def make_story(members: Sequence[Article], options: StoryOptions, items: Mapping[str, grouping.GroupInput]) -> Story:
    """One story from its articles (`items`: what grouping read of each, by article id): reading order, main
    language, headline, summary, figure sentences."""
    ordered = sorted(members, key=lambda a: (a.date is None, a.date.toordinal() if a.date else 0, a.id))
    docs = [summaries.StoryDoc(id=a.id, title=None if a.title_derived else a.title, text=a.text,
                               lang=a.lang or "und", date=a.date) for a in ordered]
    lang = summaries.main_language(docs)
    headline = best_headline(ordered, lang)
    if len(ordered) == 1 and options.words is None:
        summary = ordered[0].summary  # today's per-article summary (stage 2), lead kept for derived titles
    else:
        sentences = None if options.words else options.sentences
        picked = summaries.summarize_story(docs, sentences=sentences, words=options.words)
        if headline.title_derived and len(picked) > 1 and same_words(picked[0]) == same_words(headline.title):
            picked = picked[1:]  # a headline made from a lead: the summary does not say it twice
        summary = " ".join(picked)
    in_lang = [a for a in ordered if language_key(a.lang or "und") == lang]
    figures = [s for a in in_lang for s in a.figure_sentences if s not in summary]
    item = items[headline.id]
    return Story(
        id=story_id([a.id for a in ordered]), articles=tuple(ordered), lang=lang, title=headline.title,
        title_derived=headline.title_derived, summary=summary,
        title_en=_english_title(headline, item),
        figure_sentences=tuple(dict.fromkeys(figures))[:FIGURE_SENTENCES_MAX],
        grouping_text=grouping.embedding_text(item) if item.space == options.target else "",
        entities=story_entities([(a.id, items[a.id].entities) for a in ordered]),
    )


def best_headline(articles: Sequence[Article], lang: str) -> Article:
    """The article whose headline stands best for the story: a real headline (not made from a lead), in the
    story's language when one is, sharing most words with the other articles' headlines and leads, and not
    overlong; ties go to the earliest article.

    A headline in another language is borrowed only when its language has a fair share of the story
    (STORY_BORROWED_HEADLINE_SHARE): one stray article must not name a story it barely belongs to; the best
    derived headline of the story's own language is used then.
    """
    own = [a for a in articles if language_key(a.lang or "und") == lang] or list(articles)
    real = [a for a in articles if not a.title_derived and a.title.strip()]
    pool = [a for a in real if a in own]
    if not pool:
        fair = STORY_BORROWED_HEADLINE_SHARE * len(articles)
        borrowed = [a for a in real if len(_same_language(a, articles)) >= fair]
        pool = borrowed or own
    if len(pool) == 1:
        return pool[0]
    bags = {a.id: content_terms(f"{a.title} {a.text[:600]}", a.lang or "und") for a in articles}

    def support(article: Article) -> tuple[float, int]:
        words = content_terms(article.title, article.lang or "und")
        shared = sum(1 for other in articles if other.id != article.id for w in words if w in bags[other.id])
        overlong = len(article.title) > TITLE_MAX_CHARS
        return (shared / (1 + len(words)) ** 0.5 - overlong, -articles.index(article))

    return max(pool, key=support)


def _same_language(article: Article, articles: Sequence[Article]) -> list[Article]:
    key = language_key(article.lang or "und")
    return [a for a in articles if language_key(a.lang or "und") == key]


# --- `briefing stories`: JSONL records in, JSONL stories out ------------------------------------


def story_records(lines: Iterable[Line], options: StoryOptions, *, field: str = "text",
                  title_field: str | None = "title", lang: str = "auto",
                  group_by: str | None = None, executor: Executor | None = None) -> list[dict[str, Any]]:
    """The stories of JSONL records (`runtime.jsonl.Line`s, ids checked), in rank order, as JSON objects.

    A record needs an "id" and its text in `field`; "title" (or `title_field`), "lang", "date"
    (YYYY-MM-DD), "publisher" and "url" are optional. `group_by` names a field whose value gives each
    record's story (then that value is the story's id) instead of discovering the stories: text or a whole
    number, compared as text (1 and "1" are one story; true, 1.5, null, lists and objects are refused).
    Raises BadInput naming the line of the first record that cannot be used. With an executor, the per-article
    work (summaries, what grouping reads, story summaries) runs on its workers.
    """
    articles: list[Article] = []
    given: dict[str, list[int]] = {}
    for line in lines:
        article = _record_article(line, field=field, title_field=title_field, lang=lang)
        if group_by is not None:
            given.setdefault(_group_of(line, group_by), []).append(len(articles))
        articles.append(article)
    articles = _with_derived_titles(articles, executor)
    summarized = functools.partial(summarize_article, n=options.sentences or DEFAULT_SENTENCES)
    articles = parallel.run_all(executor, summarized, articles, stage=None)
    period = Period.covering(a.date for a in articles)
    made = build_stories(articles, period, options, given=list(given.values()) if group_by is not None else None,
                         executor=executor)
    names = {story_id([articles[i].id for i in positions]): name for name, positions in given.items()}
    return [{**s.to_json(), "story": names.get(s.id, s.id)} for s in made.stories]


def _group_of(line: Line, group_by: str) -> str:
    """The story a record names in its `group_by` field, as text; BadInput when it names none."""
    if group_by not in line.record:
        raise BadInput(f"{line.where}: field {quoted(group_by)} is missing "
                       "(--group-by needs the story of every record)")
    value = line.record[group_by]
    name = record_key(value)
    if name is None:
        raise BadInput(f"{line.where}: field {quoted(group_by)} must be text or a whole number (the story it names), "
                       f"not {json_kind(value)}")
    return name


_RECORD_DAY = re.compile(r"(\d{4}-\d\d-\d\d)(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d)?)?",
                         re.IGNORECASE)


def _record_day(raw: str, where: str) -> dt.date:
    """The day a record's "date" writes: YYYY-MM-DD, alone or with a time and a zone (`2025-10-02T23:30-08:00`,
    `2025-10-06 12:00:00 UTC`): the day as written, in its own time zone, as ingest reads it. Anything else,
    trailing text included, is a BadInput naming the line."""
    match = _RECORD_DAY.fullmatch(raw.strip())
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:  # 2025-02-31
            pass
    raise BadInput(f"{where}: date {quoted(raw)} is not YYYY-MM-DD (with a time after it, or none)")


def _with_derived_titles(articles: list[Article], executor: Executor | None) -> list[Article]:
    """The articles, those without a title given one derived from their text (`derived_title`): once per text
    and language (2,000 copies of one wire story parsed it 2,000 times), on the executor's workers, with the
    progress shown (100,000 untitled records took an hour without a word)."""
    wanted = list(dict.fromkeys((a.text, a.lang) for a in articles if not a.title))
    if not wanted:
        return articles
    made = dict(zip(wanted, parallel.run_all(executor, _derived_title, wanted, stage="headlines"), strict=True))
    return [a if a.title else dataclasses.replace(a, title=made[a.text, a.lang]) for a in articles]


def _derived_title(text_and_lang: tuple[str, str]) -> str:
    return derived_title(*text_and_lang)


def _record_article(line: Line, *, field: str, title_field: str | None, lang: str) -> Article:
    """One JSONL record as an Article, with no title when it gives none (`_with_derived_titles` makes one);
    BadInput names its line and the field at fault."""
    record, where = line.record, line.where

    def text_of(name: str, required: bool = False) -> str | None:
        value = record.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            found = "missing" if value is None else ("empty" if isinstance(value, str) else "not text")
            hint = " (name the text field with --field)" if name == field else ""
            raise BadInput(f"{where}: field {quoted(name)} is {found}{hint}")
        return value

    if not (line.key or "").strip():
        raise BadInput(f"{where}: field 'id' is {'missing' if line.key is None else 'empty'}")
    text = text_of(field, required=True) or ""
    title = text_of(title_field) if title_field else None
    raw_date = text_of("date")
    date = _record_day(raw_date, where) if raw_date else None
    declared = language_key(lang if lang != "auto" else record.get("lang"))
    language = declared if declared != UNKNOWN else detect_language(text)
    derived = record.get("title_derived") is True or not (title and title.strip())
    return Article(
        id=line.key or "", path=where, title=title.strip() if title else "",
        text=text, lang=language, date=date, url=text_of("url"), publisher=text_of("publisher"),
        title_derived=derived,
    )


def with_story_fields(story: Story) -> Story:
    """The story with what it learnt passed down to its articles: the theme to each, and to the one article
    of a single-article story its English title, summary, figures and flags (its summary is the story's)."""
    def filled(article: Article) -> Article:
        shared: dict[str, Any] = {"story": story.id, "theme": story.theme, "theme_score": story.theme_score}
        if len(story.articles) == 1:
            shared |= {"title_en": story.title_en, "summary_en": story.summary_en,
                       "figure_sentences_en": story.figure_sentences_en, "flags": story.flags}
        return dataclasses.replace(article, **shared)

    return dataclasses.replace(story, articles=tuple(filled(a) for a in story.articles))
