#!/usr/bin/env bash
# Reproduce the JavaScript that `kg viz` inlines into its HTML pages.
#
# Fetches the pinned cytoscape package from the npm registry with `npm pack`,
# checks its integrity against the pin below, and copies the minified UMD build
# and its LICENSE into kg/viz/static/. Run it only to change the pinned version;
# nothing downloads at run time and the vendored files are committed.
set -euo pipefail

PACKAGE=cytoscape
VERSION=3.33.1
INTEGRITY=sha512-iJc4TwyANnOGR1OmWhsS9ayRS3s+XQ185FmuHObThD+5AeJCakAAbWv8KimMTt08xCCLNgneQwFp+JRJOr9qGQ==

cd "$(dirname "$0")/.."
DEST=kg/viz/static
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
TARBALL="$WORK/$PACKAGE-$VERSION.tgz"
GOT="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
if [[ "$GOT" != "$INTEGRITY" ]]; then
    echo "vendor-js: integrity mismatch for $PACKAGE@$VERSION: $GOT" >&2
    exit 1
fi
tar -xzf "$TARBALL" -C "$WORK"

mkdir -p "$DEST"
cp "$WORK/package/dist/cytoscape.min.js" "$DEST/cytoscape.min.js"
cp "$WORK/package/LICENSE" "$DEST/cytoscape.LICENSE"
printf '%s@%s %s\n' "$PACKAGE" "$VERSION" "$INTEGRITY" > "$DEST/VENDORED"
echo "vendor-js: $PACKAGE@$VERSION -> $DEST" >&2
