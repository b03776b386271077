"""briefing: an offline, multilingual news-briefing generator.

Articles in any language go in; an English weekly PDF and an email-ready HTML digest come out.
`pipeline.py` runs the stages in order; each stage is one subpackage whose `__init__` states its contract:

1. ingest     `ingest/`     sources → clean, dated, de-duplicated articles (then the chosen week)
2. summarize  `summarize/`  each article's extractive summary and figure sentences
3. stories    `stories/`    articles grouped into stories across outlets and languages, ranked
4. translate  `translate/`  what is shown, into English (Argos or Apertium), offline
5. themes     `themes/`     stories gathered into named sections
6. render     `render/`     PDF, email HTML, plain text and JSON
7. deliver    `deliver/`    the digest mailed once per recipient list

Shared by several stages: `records.py` (the typed records that flow between them), `options.py` (one
run's options and their defaults), `text/` (language helpers), `embed/` (sentence embeddings), `runtime/`
(executors, progress, caches, files), `errors.py`, `log.py`. Only `cli.py` imports click; `config.py` reads
`briefing.toml`.
"""

__version__ = "0.1.0"
