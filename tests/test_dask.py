"""Extraction on a Dask cluster gives exactly what one local process gives."""

from __future__ import annotations

import pytest

from kg.pipeline import extract_stream
from tests.test_pipeline import articles

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def scheduler():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_dask_output_is_identical_to_jobs_1(scheduler):
    local = list(extract_stream(articles(), jobs=1, batch_size=2))
    remote = list(extract_stream(articles(), dask=scheduler, batch_size=2))
    assert [ex.article.id for ex in remote] == [a.id for a in articles()]
    assert remote == local


def test_cli_extract_on_dask_writes_what_jobs_1_writes(scheduler, tmp_path):
    import json

    from click.testing import CliRunner

    from kg.cli import main

    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({"id": a.id, "text": a.text, "date": "2024-03-26"}) + "\n"
                              for a in articles()))
    runner = CliRunner()
    for name, extra in (("local", ["--jobs", "1"]), ("dask", ["--dask", scheduler])):
        result = runner.invoke(main, ["extract", str(corpus), "-o", str(tmp_path / f"{name}.jsonl"),
                                      "-q", *extra])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "dask.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()


def test_dask_workers_return_the_graph_pieces_local_workers_return(scheduler):
    local = list(extract_stream(articles(), jobs=1, batch_size=2, pieces=True))
    remote = list(extract_stream(articles(), dask=scheduler, batch_size=2, pieces=True))
    assert [f.piece.ntriples for f in remote] == [f.piece.ntriples for f in local]
    assert [f.piece.summary for f in remote] == [f.piece.summary for f in local]
    assert all(f.piece.content_hash == f.extraction.article.content_hash for f in remote)
