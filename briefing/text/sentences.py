"""Sentence segmentation for news text (French and English first, other languages by the same rules).

A sentence ends at `.`, `!`, `?`, an ellipsis or `؟` (with any closing quotes or brackets after it) when
the next sentence visibly starts: a capital, a letter of a script without case, a digit, an opening quote
or a dialogue dash (a dash then a lower-case word goes on: '« Quoi ? » - demande-t-il'). Chinese and
Japanese full stops (。！？) end a sentence outright. A period does not end a sentence after a known
abbreviation (M., Mme, Dr, n°…), an initial (J. K. Rowling, J.-C.), or inside a URL, an e-mail address,
a number (2.600, 1,14), a short bracket "(est. 1951)" or a short quotation (« … », “ … ”, "…").
Scraped text often loses the space after a period ("Venise.Selon"); a lower-case word, a period and a
capitalised word is taken as a boundary. A blank line always ends a sentence; so does a single line break,
unless the paragraph is hard-wrapped prose. A run longer than SENTENCE_MAX_CHARS is no sentence: it is cut
at spaces (anywhere, for scripts without spaces) into pieces of at most that length, nothing dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from briefing.text.language import language_key
from briefing.text.settings import (
    HARD_WRAP_MAX_LINE,
    HARD_WRAP_MIN_LINE,
    HARD_WRAP_SHARE,
    MAX_PROTECTED_QUOTE_CHARS,
    SENTENCE_MAX_CHARS,
)
from briefing.text.wordlists import abbreviations

# Terminal punctuation, then any closing quotes/brackets (French puts a space before »).
_TERMINAL = re.compile(r"[.!?…。！？؟।]+(?:[ \u00a0\u202f]*»|[”’)\]」』）】]|\"(?!\w))*")
# Full stops of scripts written without spaces between sentences (Chinese, Japanese) end one outright.
_FULL_WIDTH_ENDS = frozenset("。！？")
_SPACE_AFTER = re.compile(r"\s*")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_INLINE_SPACE = re.compile(r" {2,}|[\t\r\f\v][ \t\r\f\v]*")  # runs only: single spaces stay as they are
# Spans in which no boundary is looked for: links and e-mail addresses. (A bare domain such as
# "franceinfo.fr" needs no protection: a boundary without a space needs a capital after the period.)
# Each pattern runs only when its literal marker is in the text, which keeps splitting fast; repeats are
# bounded (RFC lengths for addresses) so that a pathological line cannot make a search quadratic.
_UNBREAKABLE = (
    ("](", re.compile(r"!?\[[^\]\n]{0,500}\]\([^)\s]{0,2000}\)")),  # markdown link or image
    ("://", re.compile(r"\b(?:https?|ftp)://\S*[^\s.,;:!?»”\")\]]", re.IGNORECASE)),
    ("www.", re.compile(r"\bwww\.\S*[^\s.,;:!?»”\")\]]", re.IGNORECASE)),
    ("@", re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")),
)
_PAIRS = {"«": "»", "“": "”", "(": ")"}  # a period inside a short quotation or bracket ends nothing
_QUOTES = re.compile(r'[«»“”"()]')
_CLOSING = frozenset('»”")')
# What may open a sentence: a capital (tested apart), a digit, an opening quote or bracket, a dash.
_OPENERS = frozenset("0123456789«“\"'‘([¿¡–—-*•!")  # "!" opens a markdown image
_WORD_WRAPPERS = "([«“\"'‘’»”)]-–—"
_BULLETS = frozenset("•–—-")
_LONGEST_WORD = 40
_INITIALS = re.compile(r"(?:[^\W\d_]\.-?)*[^\W\d_]", re.UNICODE)


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text`, in order, each stripped and with inner runs of spaces collapsed.

    `lang` is an ISO 639-1 code; it chooses the abbreviation list (unknown codes use every list).
    """
    sentences: list[str] = []
    for block in _BLANK_LINE.split(text):
        for paragraph in _paragraph_lines(block):
            for sentence in _split_paragraph(paragraph, abbreviations(language_key(lang))):
                sentences.extend(_pieces(sentence) if len(sentence) > SENTENCE_MAX_CHARS else (sentence,))
    return sentences


def _pieces(run: str) -> list[str]:
    """A run too long to be a sentence, cut into pieces of at most SENTENCE_MAX_CHARS: at the last space of
    each piece when it has one in its second half, else at the limit."""
    pieces = []
    while len(run) > SENTENCE_MAX_CHARS:
        cut = run.rfind(" ", SENTENCE_MAX_CHARS // 2, SENTENCE_MAX_CHARS + 1)
        cut = cut if cut > 0 else SENTENCE_MAX_CHARS
        pieces.append(run[:cut].rstrip())
        run = run[cut:].lstrip()
    return [*pieces, run] if run else pieces


def _paragraph_lines(block: str) -> list[str]:
    """One block's lines; a hard-wrapped block (most lines of similar width) is one paragraph."""
    lines = [line for line in (_collapse_spaces(raw).strip() for raw in block.split("\n")) if line]
    if len(lines) < 3:
        return lines
    wrapped = sum(HARD_WRAP_MIN_LINE <= len(line) <= HARD_WRAP_MAX_LINE for line in lines[:-1])
    if wrapped >= HARD_WRAP_SHARE * (len(lines) - 1):
        return [" ".join(lines)]
    return lines


def _collapse_spaces(line: str) -> str:
    if "  " in line or "\t" in line or "\r" in line or "\f" in line or "\v" in line:  # cheaper than always sub
        return _INLINE_SPACE.sub(" ", line)
    return line


def _split_paragraph(text: str, abbrevs: frozenset[str]) -> list[str]:
    protected = _merge(_protected_spans(text))
    sentences: list[str] = []
    start = 0
    for match in _TERMINAL.finditer(text):
        end = match.end()
        closing = _closing_soon(text, protected, end)
        if closing is None:
            continue  # inside a quotation or a link
        end = closing
        gap = _SPACE_AFTER.match(text, end)
        assert gap is not None  # \s* always matches
        following = gap.end()
        if following >= len(text):
            continue
        if _is_boundary(text, match, following, abbrevs):
            sentence = text[start:end].strip()
            if sentence:
                sentences.append(sentence)
            start = following
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _is_boundary(text: str, match: re.Match[str], following: int, abbrevs: frozenset[str]) -> bool:
    nxt = text[following]
    spaced = following > match.end()
    found = match.group()
    if found[0] in _FULL_WIDTH_ENDS or found[-1] in _FULL_WIDTH_ENDS:
        return True
    # A sentence starts with a capital, a letter of a script without case (Arabic, Hindi), or an opener.
    if not ((nxt.isalpha() and not nxt.islower()) or nxt in _OPENERS):
        return False
    punct = found.rstrip(" \u00a0\u202f»”\"’)]」』）】")
    if punct != ".":
        if (not spaced and not nxt.isupper()) or _dash_continues(text, following):
            return False
        # "(…)" and "[...]" mark a cut inside a quotation, not an end.
        return not (match.start() > 0 and text[match.start() - 1] in "([")
    word = _word_before(text, match.start())
    if not word or word in abbrevs or word.rstrip(".") in abbrevs:
        return False
    if word[0].isupper() and len(word) <= 8 and _is_initials(word):
        return False  # J. / J.-C. / U.S.
    if spaced:
        return not (word[-1].isdigit() and nxt.isdigit()) and not _dash_continues(text, following)
    # No space after the period: only "word.Word" and "word.- ", as scraped text glues sentences that way.
    after = text[following : following + 2]
    if len(word) < 2 or not word[-1].islower() or len(after) < 2:
        return False
    if nxt in _BULLETS:
        return nxt == "•" or after[1].isspace()
    if nxt in "\"«“":
        return after[1].isupper()
    return nxt.isupper() and (after[1].islower() or after[1] in "'’")


def _is_initials(word: str) -> bool:
    return bool(_INITIALS.fullmatch(word)) and len(word.replace(".", "").replace("-", "")) <= 3


def _dash_continues(text: str, dash: int) -> bool:
    """A dash then a lower-case word ('« Quoi ? » - demande-t-il') goes on with the same sentence."""
    if text[dash] not in "-–—":
        return False
    rest = text[dash + 1 : dash + 3].lstrip()
    return rest[:1].islower()


def _word_before(text: str, end: int) -> str:
    """The word a period follows, without the quotes or brackets around it."""
    chunk = text[max(0, end - _LONGEST_WORD) : end]  # longer words are no abbreviations anyway
    if not chunk or chunk[-1].isspace():
        return ""
    return chunk.split()[-1].strip(_WORD_WRAPPERS)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) spans where no sentence ends inside: links, addresses, short quotations and brackets."""
    spans = [m.span() for marker, pattern in _UNBREAKABLE if marker in text for m in pattern.finditer(text)]
    opened: dict[str, list[int]] = {closer: [] for closer in _PAIRS.values()}
    straight: int | None = None
    for quote in _QUOTES.finditer(text):
        index, char = quote.start(), quote.group()
        if char in _PAIRS:
            opened[_PAIRS[char]].append(index)
        elif char != '"':
            if opened[char]:
                start = opened[char].pop()
                if index - start <= MAX_PROTECTED_QUOTE_CHARS:
                    spans.append((start, index))
        elif _opens_quote(text, index, straight is None):
            straight = index
        elif straight is not None:
            if index - straight <= MAX_PROTECTED_QUOTE_CHARS:
                spans.append((straight, index))
            straight = None
    return spans


def _opens_quote(text: str, index: int, none_open: bool) -> bool:
    """Whether the straight quote at `index` opens a quotation (judged by its neighbours)."""
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if before.isspace() or before in "([«“'‘-–—":
        # Spaced on both sides (French style, ' " Je veux. " '): it opens when no quotation is open.
        return none_open if after.isspace() else True
    return before in ".!?:;," and after.isalnum()


def _merge(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Overlapping spans merged, as sorted starts and their ends (for a binary search per break)."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start < ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _closing_soon(text: str, protected: tuple[list[int], list[int]], position: int) -> int | None:
    """Where a break at `position` may go: `position` itself outside protected spans, just after the
    closing quote when only spaces lie before it ('mourir. "'), else None (inside a quotation)."""
    starts, ends = protected
    slot = bisect_left(starts, position) - 1
    if slot < 0 or position > ends[slot]:
        return position
    closer = ends[slot]
    if closer < len(text) and text[closer] in _CLOSING and not text[position:closer].strip():
        return closer + 1
    return None
