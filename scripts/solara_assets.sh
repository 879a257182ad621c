#!/usr/bin/env bash
# Fill Solara's asset cache from the npm registry, so the dashboard works offline.
#
# Solara's page loads its front-end files from a public CDN (jsdelivr) at run time, through
# its own proxy that caches them under SOLARA_ASSETS_PROXY_CACHE_DIR. Without internet the
# page stays blank. The CDN paths are npm packages: `npm pack` fetches each from the npm
# registry and we unpack it where the proxy looks (<cache>/<package>@<version>/...).
# The versions are read from the installed Solara templates and widgets, not hard-coded.
#
# usage: scripts/solara_assets.sh [CACHE_DIR] [PYTHON]
#   from any folder; defaults: the repository's .solara-cache and .venv/bin/python
#   (CACHE_DIR and PYTHON given on the command line are taken relative to the current folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${1:-$root/.solara-cache}"
py="${2:-$root/.venv/bin/python}"
command -v npm >/dev/null 2>&1 || { echo "solara_assets.sh: npm is missing (apt-get install npm)" >&2; exit 1; }
"$py" -c 'import solara' 2>/dev/null || { echo "solara_assets.sh: $py has no solara (make .venv/bin/laborsim)" >&2; exit 1; }
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
site="$("$py" -c 'import solara, os; print(os.path.dirname(solara.__file__))')"
mesa_viz="$("$py" -c 'import mesa.visualization, os; print(os.path.dirname(mesa.visualization.__file__))')"
# every "<name>@<version>/" the templates and widgets ask the CDN for
mapfile -t specs < <(grep -rhoE '(@[a-z0-9-]+/)?[a-z0-9.-]+@[0-9][0-9a-z.-]*/' \
    --include='*.py' --include='*.vue' --include='*.j2' --include='*.js' --include='*.html' \
    "$site" "$mesa_viz" 2>/dev/null | sed 's#/$##' | grep -vE '^(@docsearch/|algoliasearch@)' | sort -u)
fa="$("$py" -c 'import solara.server.settings as s; print(s.assets.fontawesome_path.split("/")[1])')"
specs+=("$fa")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for spec in $(printf '%s\n' "${specs[@]}" | sort -u); do
  dest="$cache/$spec"
  if [ -d "$dest" ] && [ -n "$(ls -A "$dest")" ]; then echo "have $spec"; continue; fi
  tgz="$(cd "$tmp" && npm pack --silent "$spec" | tail -n 1)"
  mkdir -p "$dest"
  tar -xzf "$tmp/$tgz" -C "$dest" --strip-components=1
  echo "cached $spec"
done
echo "export SOLARA_ASSETS_PROXY_CACHE_DIR=$cache"
