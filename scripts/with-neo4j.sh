#!/usr/bin/env bash
# Run a command with a fresh, private Neo4j: start it, export NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD,
# run the command, always stop Neo4j, and exit with the command's status.
#
#   bash scripts/with-neo4j.sh .venv/bin/python -m pytest -q -ra
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if (( $# == 0 )); then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi
# A fresh state dir of its own, so a development instance (make neo4j-up) and any other
# with-neo4j.sh run (even an enclosing one) are left alone.
export KG_NEO4J_DIR="$ROOT/.neo4j/test-$$"
rm -rf "$KG_NEO4J_DIR"
trap 'bash "$ROOT/scripts/neo4j.sh" stop; rm -rf "$KG_NEO4J_DIR"' EXIT
trap 'exit 130' INT TERM

env_lines="$(bash "$ROOT/scripts/neo4j.sh" start)" || { echo "with-neo4j.sh: Neo4j did not start" >&2; exit 1; }
while IFS='=' read -r key value; do
    [[ -n "$key" ]] && export "$key=$value"
done <<< "$env_lines"

"$@"
status=$?
exit $status
