"""A story's people, organisations and places: its articles' names gathered, the most important first.

Names are matched by `name_key` (case, accents, spaces and punctuation aside), so a French and an English
article naming "Vo Xuan Hoai" or "JICA" count as two articles naming one entity. A surname alone ("Hoai")
counts for the full name another article of the story gives. Importance: how many of the story's articles
name it, then its kind (people, organisations, places, other names), then where it first appears in
reading order. A multi-article story keeps the names two or more articles share, topped up with the first
names of its articles up to STORY_ENTITIES_MIN; every story keeps at most STORY_ENTITIES_MAX.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from briefing.records import Entity, Mention
from briefing.stories.settings import STORY_ENTITIES_MAX, STORY_ENTITIES_MIN
from briefing.text.entities import ORGANISATION, OTHER, PERSON, PLACE, full_name_keys, is_bare_surname, name_key

__all__ = ["ENTITY_ORDER", "story_entities"]

ENTITY_ORDER = (PERSON, ORGANISATION, PLACE, OTHER)  # ties in importance go to the first kind


def story_entities(mentions: Sequence[tuple[str, Sequence[Mention]]]) -> tuple[Entity, ...]:
    """The entities of a story from (article id, its mentions) pairs given in reading order."""
    full_names = full_name_keys(m for _, names in mentions for m in names)
    articles: dict[str, dict[str, None]] = {}
    spellings: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    for article, names in mentions:
        for mention in names:
            key = name_key(mention.name)
            if is_bare_surname(mention) and key in full_names:
                key = full_names[key]  # "Hoai" where another article says "Vo Xuan Hoai"
            articles.setdefault(key, {})[article] = None  # a dict keeps reading order, a set test
            spellings.setdefault(key, Counter())[mention.name] += 1
            kinds.setdefault(key, Counter())[mention.type] += 1
    order = {key: place for place, key in enumerate(articles)}  # first appearance in reading order

    def kind(key: str) -> str:
        typed = {k: c for k, c in kinds[key].items() if k != OTHER}
        return max(sorted(typed), key=lambda k: typed[k]) if typed else OTHER

    def importance(key: str) -> tuple[int, int, int]:
        return (-len(articles[key]), ENTITY_ORDER.index(kind(key)), order[key])

    ranked = sorted(order, key=importance)
    if len(mentions) > 1:
        shared = [key for key in ranked if len(articles[key]) > 1]
        alone = [key for key in ranked if len(articles[key]) == 1]
        ranked = shared + alone[: max(0, STORY_ENTITIES_MIN - len(shared))]
    return tuple(
        Entity(name=max(sorted(spellings[key]), key=lambda s: spellings[key][s]), type=kind(key),
               articles=tuple(articles[key]))
        for key in ranked[:STORY_ENTITIES_MAX]
    )
