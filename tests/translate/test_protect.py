"""Protected spans: a translation that lost or doubled a placeholder is refused."""

from __future__ import annotations

from briefing.translate.glossary import load_glossary
from briefing.translate.protect import protect, restore


def test_restore_refuses_a_lost_or_doubled_placeholder() -> None:
    protected = protect("Le NIC lève 2 milliards d’euros pour l’IA.", "fr", "en", load_glossary(None, "fr", "en"))
    assert protected.spans == ("2 billion", "AI")
    first, second = (word for word in protected.text.split() if word.startswith("Zxq") or "Zxq" in word)
    assert restore(protected.text.replace(second, ""), protected.spans) is None
    assert restore(protected.text + " " + first, protected.spans) is None
