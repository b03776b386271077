"""Step 1 of ingestion: the sources a user names (files, folders, globs, http(s) URLs) as the inputs to read.

Inside a folder (or under a glob's folder) a link leaving it is not followed, hidden files are skipped, and
the files briefing itself wrote (`OWN_OUTPUT` in the build's output folder) are never read back as articles.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

URL_PATTERN = re.compile(r"^https?://", re.IGNORECASE)


def expand_sources(sources: Sequence[str], *, output_dir: Path | None = None,
                   ) -> Iterator[tuple[str, Path | None, str | None]]:
    """(source name, local path or None, problem or None) for every input the sources name.

    Inside a folder (or under a glob's folder), a link to a file outside it is not followed, and the
    files briefing itself wrote to `output_dir` are not read back as articles: each is a problem.
    """
    seen: set[Path] = set()
    own = output_dir.resolve() if output_dir is not None else None
    for source in sources:
        if not source.strip():  # Path("") is the working folder: `sources = [""]` read whatever lay there
            yield json.dumps(source), None, "an empty source name (it would read the working folder)"
            continue
        if URL_PATTERN.match(source):
            yield source, None, None
            continue
        path = Path(source).expanduser()
        root: Path | None = None  # the folder links must stay inside
        try:
            path.stat()
        except (FileNotFoundError, NotADirectoryError):
            pass  # a glob, or a name that is not there (below)
        except OSError as exc:  # a name longer than the system allows, a folder on the way that is a file...
            yield source, None, f"cannot be read ({exc.strerror or type(exc).__name__})"
            continue
        except ValueError:  # a NUL character: no file can have that name
            yield json.dumps(source), None, "no such file or folder"
            continue
        if path.is_dir():
            root = path
            files = sorted(_walk(path))
            if not files:
                yield source, None, "folder has no files"
        elif path.is_file():
            files = [path]
        elif glob.has_magic(source):
            pattern = os.path.expanduser(source)
            prefix = re.split(r"[*?[]", pattern, maxsplit=1)[0]  # the folder the glob looks in
            root = Path(prefix) if prefix.endswith(os.sep) else Path(prefix).parent
            files = sorted(_glob(pattern, root))
            if not files:
                yield source, None, "no file matches this pattern"
        else:
            yield source, None, "no such file or folder"
            continue
        ours = 0
        for file in files:
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            if root is not None and not key.is_relative_to(root.resolve()):
                outside = f"a link to {shown_name(str(key))}, outside {shown_name(str(root))}; not followed"
                yield str(file), None, outside
            elif own is not None and key.parent == own and OWN_OUTPUT.match(key.name):
                ours += 1
            else:
                yield str(file), file, None
        if ours:
            yield str(output_dir), None, (f"the output folder: {ours} file(s) briefing wrote there "
                                                      "are not read back as articles")


OWN_OUTPUT = re.compile(r"^(?:briefing-[^/]+\.(?:pdf|html|txt|json|eml)|sent-ledger\.json)$")


def shown_name(name: str) -> str:
    """`name` safe to print on one line and in JSON: quoted when it holds control or undecodable characters.

    A file name may hold a newline (which would fake a line on stderr) or bytes that are not UTF-8.
    """
    if name.isprintable():
        return name
    return json.dumps(name)  # escapes newlines, controls and the surrogates os.fsdecode gives undecodable bytes


def _walk(root: Path, *, hidden: bool = False) -> Iterator[Path]:
    """The files under `root` (links to files included), hidden ones and those in hidden folders left out
    unless `hidden`. A link to a folder is not entered (two links back up made a walk that never ends), and
    the walk keeps its own list of folders to visit, so a tree of any depth costs no recursion."""
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError:  # unreadable, or gone meanwhile: what can be read is read
            continue
        for entry in found:
            if entry.name.startswith(".") and not hidden:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.is_file():
                    yield Path(entry.path)
            except OSError:
                continue


def _glob(pattern: str, root: Path) -> Iterator[Path]:
    """The files a glob names, as Python's glob names them. One with `**` walks its folder (`_walk`: no link
    to a folder followed, no recursion) and matches each file's path part by part (`**` is any number of
    folders); any other is Python's glob, whose depth the pattern bounds. A pattern ending in a separator
    names folders: no file."""
    if "**" not in pattern:
        yield from (Path(p) for p in glob.glob(pattern) if Path(p).is_file())
        return
    if pattern.endswith(os.sep) or pattern.rsplit(os.sep, 1)[-1] in (".", ".."):
        return
    parts = Path(pattern).parts[len(root.parts):]
    for file in _walk(root, hidden=any(part.startswith(".") for part in parts)):
        if _matches(file.relative_to(root).parts, parts):
            yield file


def _matches(names: Sequence[str], pattern: Sequence[str]) -> bool:
    """Whether a relative path's parts match a glob's parts, `**` standing for zero or more folders (an
    iterative table over both lists: no recursion, no backtracking). As in Python's glob, a hidden name
    (".git") is matched only by a part that starts with a dot, never by `**` or `*`, and a part other than
    the last names a folder: the file itself is matched by the last part, or by a `**`."""
    # reachable[j]: the names so far can be matched by the first j pattern parts
    reachable = [True] + [False] * len(pattern)
    for j, part in enumerate(pattern, 1):
        reachable[j] = reachable[j - 1] and part == "**"
    for position, name in enumerate(names, 1):
        hidden, file = name.startswith("."), position == len(names)
        row = [False] * (len(pattern) + 1)
        for j, part in enumerate(pattern, 1):
            if part == "**":
                row[j] = row[j - 1] or (reachable[j] and not hidden)
            else:
                row[j] = (reachable[j - 1] and (part.startswith(".") or not hidden)
                          and fnmatch.fnmatchcase(name, part) and (j == len(pattern) or not file))
        reachable = row
    return reachable[-1]
