"""Extraction quality on public benchmarks: CoNLL04 relations and WikiEvents events.

The package is split the usual way: :mod:`kg.eval.datasets` reads a benchmark into
:class:`~kg.records.Article` inputs plus gold annotations with character offsets,
:mod:`kg.eval.scoring` scores extraction records (the JSON Lines format of ``kg extract``)
against that gold and does no I/O, and :mod:`kg.eval.cli` is the ``kg eval`` command.

Example::

    from kg.eval.datasets import read_conll04
    from kg.eval.scoring import score_conll04
    docs = read_conll04("conll04_dev.json")
    report = score_conll04(docs, records)      # records: id -> issue-2 JSON dict
    print(report.table())
"""
