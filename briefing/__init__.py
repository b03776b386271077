"""briefing: an offline, multilingual news-briefing generator.

Articles in any language go in; an English weekly PDF and an email-ready HTML digest come out.
The stages live one per module (ingest, clean, summarize, translate, themes, render, deliver) and
`pipeline.build` runs them in order.
"""

__version__ = "0.1.0"
