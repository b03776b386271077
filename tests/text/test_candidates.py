"""Candidate sentences: captions, images, datelines and repeats are never summary material."""

from __future__ import annotations

from pathlib import Path

from briefing.text.candidates import candidates


def test_seed_captions_images_and_repeats_are_not_candidates(seeds_dir: Path) -> None:
    texts = [c.text for path in sorted(seeds_dir.glob("*.txt")) for c in candidates(path.read_text("utf-8"), "fr")]
    assert not [t for t in texts if t.startswith(("![", "Source :", "Comment"))]
    # seeds/002 prints a photo caption twice in a row; the dateline "Hanoi (VNA) –" is dropped
    assert not [t for t in texts if "s’exprime lors du sixième forum" in t]
    assert not [t for t in texts if t.startswith("Hanoi (VNA)")]
    # seeds/003 has a heading that ends in a closing quote, not in punctuation
    assert not [t for t in texts if t.startswith("3 initiatives pour « co-créer")]
    assert len(texts) == len(set(texts))
