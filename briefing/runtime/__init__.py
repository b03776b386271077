"""Machinery every stage may use, with no stage logic of its own.

- `parallel.py`      `pool(jobs)` and `run_all(executor, fn, items, stage=...)`: independent work on any
                     `concurrent.futures.Executor`, results in the items' order
- `progress.py`      per-stage progress: bars on a terminal, a line every tenth elsewhere, silent in workers
- `sqlite_cache.py`  the WAL SQLite key-value file the translation, embedding and source caches build on
- `files.py`         atomic writes, and publishing several files together
- `jsonl.py`         JSON Lines input read defensively (size, depth, type, unique ids), for every JSONL command
- `settings_file.py` the TOML files a user writes (config, themes, glossary) read defensively (size, UTF-8, depth)
- `shipped.py`       where the shipped templates are (`TEMPLATES_DIR`)
"""
