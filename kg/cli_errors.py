"""What every ``kg`` command shares: the exit-status text, the errors it turns into one-line
messages, and reading a GRAPH argument (a file or a store directory). Here, not in
:mod:`kg.cli`, so that the modules of commands (:mod:`kg.cli_query`, :mod:`kg.viz.cli`) need not
import the command line that imports them."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

EXIT_STATUS = """\b
Exit status: 0 done; 1 done with problems or could not be done (inputs skipped, a graph that
does not conform, a graph file that cannot be read, a query that cannot run, Neo4j or Dask
unreachable); 2 usage error (a bad option, a missing input or query file, an unknown format, a
query that does not parse)."""


class UnknownFormatError(click.UsageError):
    """A file extension or --format kg cannot tell: a usage error, exit 2, in every command."""


class UsageFailure(click.ClickException):
    """A usage mistake found once the options are parsed (a spaCy pipeline that is not
    installed, --model typo): one line, exit 2."""

    exit_code = 2


@contextmanager
def known_errors():
    """The errors every command turns into one-line messages, with the exit status of
    :data:`EXIT_STATUS`. Anything else is a bug and keeps its traceback."""
    from kg.cache import CacheError
    from kg.distributed import DaskUnavailable
    from kg.query import QueryError
    from kg.serialize import UnknownFormat, UnreadableGraph, WriteFailed
    from kg.store import NotAStore

    try:
        yield
    except NotAStore as exc:
        raise UsageFailure(str(exc)) from None
    except UnknownFormat as exc:
        raise UnknownFormatError(str(exc)) from None
    except (CacheError, DaskUnavailable, QueryError, UnreadableGraph, WriteFailed) as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        nlp = sys.modules.get("kg.nlp")  # not imported: no pipeline was loaded, none failed
        if nlp is not None and isinstance(exc, nlp.ModelNotFound):
            raise UsageFailure(str(exc)) from None
        raise


def read_graph_file(path: str):
    """The :class:`kg.KnowledgeGraph` in ``path``, with kg's messages for a file it cannot read
    (unknown format: exit 2; unreadable: exit 1)."""
    import kg

    with known_errors():
        from kg.serialize import format_for
        from kg.store import is_store

        if not is_store(path):
            format_for(path)
        return kg.read(path)
