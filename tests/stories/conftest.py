"""Shared by the stories tests: the week they rank and summarise in."""

from __future__ import annotations

import datetime as dt

from briefing.records import Period

WEEK = Period(dt.date(2025, 9, 29), dt.date(2025, 10, 5), "2025-W40")
