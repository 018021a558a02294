from __future__ import annotations


def source(published_on: str = "2022-11-30", title: str = "Test source") -> dict[str, str]:
    """A source for events made up in tests (never presented as real data)."""
    return {"title": title, "url": "https://example.org/test", "published_on": published_on}
