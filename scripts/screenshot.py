"""Make the README's picture: the seed graph's actor page in headless Chromium -> docs/actors.png.

    .venv/bin/python scripts/screenshot.py                 # builds seeds/ first if need be
    .venv/bin/python scripts/screenshot.py --graph out/graph.ttl -o docs/actors.png

Needs Debian's chromium and chromium-driver (bash scripts/ensure-chromium.sh). The page is shown
with one edge clicked, so the picture also shows the evidence panel.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from kg.serialize import read_graph
from kg.viz import write_viz
from kg.viz.browser import headless_chromium, wait_until_drawn

ROOT = Path(__file__).resolve().parent.parent

# Click the Haniyeh -> Tehran visit, so the picture shows an evidence sentence.
_CLICK_AN_EDGE = """
var cy = kgViz.cy;
var pick = cy.edges().filter(function (e) { return e.data('type') === 'VISITED'; })[0]
        || cy.edges()[0];
if (pick) { pick.select(); kgViz.describe(pick); }
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "out" / "graph.ttl",
                        help="graph to draw (default: out/graph.ttl, built from seeds/ if missing)")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "actors.png")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args(argv)

    if not args.graph.exists():
        args.graph.parent.mkdir(parents=True, exist_ok=True)
        kg = Path(sys.executable).with_name("kg")
        subprocess.run([str(kg), "build", str(ROOT / "seeds"), "--date", "2024-03-26", "-q",
                        "-o", str(args.graph)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "actors.html"
        report = write_viz(read_graph(str(args.graph)), page, title="Seed graph: actors")
        with headless_chromium(args.width, args.height) as driver:
            driver.get(page.as_uri())
            wait_until_drawn(driver)
            driver.execute_script(_CLICK_AN_EDGE)
            wait_until_drawn(driver)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.output))
    print(f"{report.summary()}; screenshot {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
