"""The confidences of the rules no benchmark scores (the speech-verb statements, the casualty
figures) are the share of their facts judged right by hand on BBC news: measured on the even-
numbered files, checked on the odd-numbered ones (docs/judgments/)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from kg.extract.index import CONFIDENCE

JUDGMENTS = Path(__file__).resolve().parents[1] / "docs" / "judgments"


def judged(name: str, keep) -> list[bool]:
    with open(JUDGMENTS / name, encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return [row["right"] == "1" for row in rows if keep(row)]


def share(right: list[bool]) -> float:
    """The share right with a uniform prior, as the relation trainer gives judged rules."""
    return (sum(right) + 1) / (len(right) + 2)


def within_noise(confidence: float, right: list[bool]) -> bool:
    """The checked sample's precision is within two standard errors of ``confidence``."""
    observed = sum(right) / len(right)
    return abs(observed - confidence) <= 2 * math.sqrt(confidence * (1 - confidence) / len(right))


@pytest.mark.parametrize("kind, calibration, check, keep_check", [
    # the check sample predates the rule column: the rule's statements carried its old constant 0.85
    ("statement", "bbc_statements_calibration.tsv", "bbc_statements.tsv",
     lambda row: row["confidence"] == "0.85"),
    ("casualty", "bbc_casualties_calibration.tsv", "bbc_casualties.tsv", lambda row: True),
])
def test_rule_confidence_is_the_share_judged_right(kind, calibration, check, keep_check):
    rule_made = judged(calibration, lambda row: not row["rule"].startswith("model:"))
    assert len(rule_made) >= 10
    assert CONFIDENCE[kind] == round(share(rule_made), 2)
    checked = judged(check, keep_check)
    assert len(checked) >= 10 and within_noise(CONFIDENCE[kind], checked)


def test_within_noise_tells_a_miscalibrated_constant():
    assert within_noise(0.9, [True] * 23 + [False] * 2)
    assert not within_noise(0.9, [True] * 4 + [False] * 7)  # the casualty rule before the fixes
