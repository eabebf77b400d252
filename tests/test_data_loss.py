"""Nothing is lost: a full disk, a kill or an empty input never replaces a file kg wrote before."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.serialize import WriteFailed, atomic_write, write_graph

SEEDS = str(Path(__file__).resolve().parent.parent / "seeds")
OLD = b"the previous file\n"


def kg(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def graph_file(small_graph, tmp_path) -> str:
    path = tmp_path / "graph.ttl"
    small_graph.serialize(path, format="turtle")
    return str(path)


@pytest.fixture
def full_disk(monkeypatch):
    """Every fsync fails as on a full disk (the data written so far never reaches it)."""
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("output, command", [
    ("page.html", ["viz", "{graph}"]), ("picture.png", ["viz", "{graph}"]),
    ("picture.svg", ["viz", "{graph}"]), ("export.graphml", ["export", "{graph}"]),
    ("export.jsonld", ["export", "{graph}"]), ("export.nt", ["export", "{graph}"])])
def test_a_full_disk_leaves_the_previous_output_whole(graph_file, tmp_path, full_disk, output,
                                                      command):
    target = tmp_path / "out" / output
    target.parent.mkdir()
    target.write_bytes(OLD)
    result = kg(*[a.replace("{graph}", graph_file) for a in command], "-o", str(target))
    assert result.exit_code == 1, result.output
    assert f"cannot write {target}: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == OLD
    assert _temporaries(target.parent) == []


@pytest.mark.model
@pytest.mark.parametrize("command, output", [("build", "graph.ttl"), ("extract", "seed.jsonl")])
def test_a_full_disk_in_build_and_extract_is_one_line(tmp_path, full_disk, command, output):
    target = tmp_path / output
    target.write_bytes(OLD)
    result = kg(command, SEEDS, "--date", "2024-03-26", "-j", "1", "-q", "-o", str(target))
    assert result.exit_code == 1
    assert result.output.strip().endswith(f"Error: cannot write {target}: No space left on device")
    assert target.read_bytes() == OLD and _temporaries(tmp_path) == []


def test_write_errors_name_the_file_and_keep_it(tmp_path, full_disk):
    target = tmp_path / "x.txt"
    target.write_bytes(OLD)
    with pytest.raises(WriteFailed, match="cannot write .*x.txt: No space left on device") as info:
        with atomic_write(target) as handle:
            handle.write(b"new")
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == OLD and _temporaries(tmp_path) == []


KILLED_WRITER = """
import sys, time
from kg.serialize import atomic_write
with atomic_write(sys.argv[1]) as handle:
    handle.write(b"half a graph")
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def test_the_temporary_file_of_a_killed_write_is_removed_by_the_next(tmp_path, small_graph):
    target = tmp_path / "graph.ttl"
    target.write_bytes(OLD)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    left = _temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".graph.ttl.{writer.pid}.")
    assert target.read_bytes() == OLD
    # a write by a process still running is left alone
    alive = tmp_path / f".graph.ttl.{os.getppid()}.abcd.tmp"
    alive.write_bytes(b"someone else's")
    write_graph(small_graph, target)
    assert _temporaries(tmp_path) == [alive.name]
    assert target.read_bytes() != OLD


@pytest.mark.parametrize("command", ["build", "extract"])
def test_an_empty_or_all_skipped_input_writes_nothing_and_exits_1(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    skipped = tmp_path / "skipped"
    skipped.mkdir()
    (skipped / "blank.txt").write_text("  \n")
    (skipped / "binary.txt").write_bytes(b"\x00\x01\x02" * 20)
    target = tmp_path / ("graph.ttl" if command == "build" else "x.jsonl")
    target.write_bytes(OLD)
    for folder in (empty, skipped):
        result = kg(command, str(folder), "-j", "1", "-o", str(target))
        assert result.exit_code == 1
        assert f"nothing was read: {target} was not written" in result.output
        assert target.read_bytes() == OLD
    assert not (tmp_path / "new.ttl").exists()
    result = kg(command, str(empty), "-j", "1", "-o", str(tmp_path / "new.ttl"))
    assert result.exit_code == 1 and not (tmp_path / "new.ttl").exists()


@pytest.mark.model
def test_a_full_cache_disk_is_one_line_and_keeps_the_graph(tmp_path, monkeypatch):
    import sqlite3

    from kg import cache as cache_module

    connect = sqlite3.connect

    def small_disk(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.execute("PRAGMA max_page_count = 4")  # SQLite's own "database or disk is full"
        return db

    monkeypatch.setattr(cache_module.sqlite3, "connect", small_disk)
    target = tmp_path / "graph.ttl"
    target.write_bytes(OLD)
    result = kg("build", SEEDS, "--date", "2024-03-26", "-j", "1", "-q", "-o", str(target),
                "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].endswith("database or disk is full")
    assert "Traceback" not in result.output and target.read_bytes() == OLD


def test_a_cache_that_is_no_database_is_one_line(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    from kg.cache import CACHE_FILE

    (cache / CACHE_FILE).write_bytes(b"not sqlite at all" * 100)
    result = kg("build", SEEDS, "--date", "2024-03-26", "-j", "1", "-q",
                "-o", str(tmp_path / "g.ttl"), "--cache", str(cache))
    assert result.exit_code == 1
    assert "file is not a database" in result.output and "Traceback" not in result.output
