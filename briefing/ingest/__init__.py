"""Stage 1, ingestion: the sources a user names become clean, dated, de-duplicated `Article`s.

Contract. In: source names (files, folders walked recursively, globs, http(s) URLs of pages or feeds), the
run date, a size limit and a download deadline. Out: an `IngestResult`: the articles (text cleaned and
NFC-normalised, title, date, URL, publisher, language, a stable id), the sources skipped with a one-line
reason each, the duplicates merged, and warnings (undated articles, bad records). Never raises for one bad
source (it becomes a `Skipped`), never follows a link out of a source folder, never reads briefing's own
outputs back, never invents a date. With an executor, sources (or the records of one big source) are read
on its workers, with the same result; with a cache path, unchanged local files come from the source cache.

- `sources.py`   expand source names into files and URLs          - `fetch.py`    download a URL within a deadline
- `decode.py`    guard against non-text input, decode the bytes   - `readers.py`  one reader per format
- `clean.py`     boilerplate out, metadata lines into fields      - `dates.py`    an article's date, never guessed
- `metadata.py`  a raw record becomes an `Article`                - `dedup.py`    exact and near duplicates merged
- `cache.py`     the source cache (`sources.sqlite`)              - `stage.py`    the run: `ingest`, `read_bytes`
- `settings.py`  the tuned numbers, each with its reason
"""

from briefing.ingest.sources import expand_sources, shown_name
from briefing.ingest.stage import ingest, read_bytes, skipped_summary

__all__ = ["expand_sources", "ingest", "read_bytes", "shown_name", "skipped_summary"]
