"""Sample the events several articles report in a built graph, for judging by hand.

    python bench/bbc_event_groups.py GRAPH.ttl [--sample 20] [--seed 1] [--top 10]

Reads the Turtle file ``kg build`` wrote, prints how many events have reports from one, two,
... articles, the ``--top`` events with most articles, then ``--sample`` events of two or more
articles (drawn with ``--seed``) as TSV rows: one row per article of each event (its first
report's trigger and sentence), for a ``right`` column to be filled in
(docs/judgments/bbc_event_groups.tsv).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict

import pyoxigraph as ox

NEWS = "https://w3id.org/kg-news/ontology#"
QUERY = f"""PREFIX news: <{NEWS}>
SELECT ?e ?cls ?n ?r ?t ?s ?a WHERE {{
  ?e news:report ?r ; news:reportCount ?n ; a ?cls .
  ?r news:trigger ?t ; news:evidence ?ev . ?ev news:sentence ?s ; news:article ?a .
}}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph")
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    store = ox.Store()
    store.load(path=args.graph, format=ox.RdfFormat.TURTLE)
    events: dict[str, dict] = defaultdict(lambda: {"reports": {}, "articles": 0, "cls": ""})
    for row in store.query(QUERY):
        e = events[row["e"].value]
        e["cls"] = row["cls"].value.rsplit("#", 1)[-1]
        e["articles"] = int(row["n"].value)
        e["reports"].setdefault(row["r"].value, (row["a"].value.rsplit("/", 1)[-1],
                                                 row["t"].value, row["s"].value))
    several = sorted((k for k, e in events.items() if e["articles"] > 1))
    print(f"# {len(events)} events with reports; {len(several)} of two or more articles; "
          f"articles per event: {sorted(Counter(e['articles'] for e in events.values()).items())}")
    for k in sorted(events, key=lambda k: (-events[k]["articles"], k))[:args.top]:
        e = events[k]
        print(f"# top: {e['articles']} articles, {len(e['reports'])} reports, {e['cls']}, "
              f"{k.rsplit('/', 1)[-1]}")
    print("event\tclass\tarticles\treports\tarticle\ttrigger\tsentence\tright")
    for k in random.Random(args.seed).sample(several, min(args.sample, len(several))):
        e = events[k]
        firsts = {}
        for _r, (article, trigger, sentence) in sorted(e["reports"].items()):
            firsts.setdefault(article, (trigger, sentence))
        for article, (trigger, sentence) in sorted(firsts.items()):
            print(f"{k.rsplit('/', 1)[-1]}\t{e['cls']}\t{e['articles']}\t{len(e['reports'])}\t"
                  f"{article}\t{trigger}\t{' '.join(sentence.split())}\t")


if __name__ == "__main__":
    main()
