#!/usr/bin/env bash
# Vendor the GraphiQL playground assets into api/static/graphiql/.
#
# strawberry-graphql 0.341.2's strawberry/static/graphiql.html loads these exact
# files from unpkg.com; we fetch the same package versions from the npm registry
# with `npm pack` (no install, no lifecycle scripts), copy out only the files the
# page needs plus each package's licence, and record their SHA-256 sums.
#
# Run from anywhere:  scripts/vendor_graphiql.sh
# The output is committed; the application never talks to npm at runtime.
# When strawberry-graphql is upgraded, check its graphiql.html for new versions,
# update the table below and api/static/graphiql/README.md, and re-run.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/api/static/graphiql"

# spec | file inside the tarball (under package/) | vendored name
assets=(
  "react@18.2.0|umd/react.production.min.js|react.production.min.js"
  "react-dom@18.2.0|umd/react-dom.production.min.js|react-dom.production.min.js"
  "js-cookie@3.0.5|dist/js.cookie.min.js|js.cookie.min.js"
  "graphiql@3.8.3|graphiql.min.js|graphiql.min.js"
  "graphiql@3.8.3|graphiql.min.css|graphiql.min.css"
  "@graphiql/plugin-explorer@1.0.2|dist/index.umd.js|plugin-explorer.umd.js"
  "@graphiql/plugin-explorer@1.0.2|dist/style.css|plugin-explorer.css"
)

# spec | licence suffix (LICENSE.<suffix>)
packages=(
  "react@18.2.0|react"
  "react-dom@18.2.0|react-dom"
  "js-cookie@3.0.5|js-cookie"
  "graphiql@3.8.3|graphiql"
  "@graphiql/plugin-explorer@1.0.2|plugin-explorer"
)

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

declare -A unpacked
for entry in "${packages[@]}"; do
  spec="${entry%%|*}"
  dir="${work}/$(echo "${spec}" | tr '/@' '__')"
  mkdir -p "${dir}"
  echo "npm pack ${spec}" >&2
  tarball="$(cd "${dir}" && npm pack --silent --ignore-scripts "${spec}" 2>/dev/null | tail -n1)"
  tar -xzf "${dir}/${tarball}" -C "${dir}"
  # Refuse to vendor anything that is not the exact version asked for.
  got="$(node -p "const p=require('${dir}/package/package.json'); p.name+'@'+p.version")"
  [[ "${got}" == "${spec}" ]] || { echo "expected ${spec}, npm gave ${got}" >&2; exit 1; }
  lic="$(node -p "require('${dir}/package/package.json').license")"
  [[ "${lic}" == "MIT" ]] || { echo "${spec}: unexpected licence ${lic}" >&2; exit 1; }
  unpacked["${spec}"]="${dir}/package"
done

rm -rf "${dest}.tmp"
mkdir -p "${dest}.tmp"

for entry in "${assets[@]}"; do
  IFS='|' read -r spec src name <<<"${entry}"
  install -m 0644 "${unpacked[${spec}]}/${src}" "${dest}.tmp/${name}"
done

graphiql_license="${unpacked[graphiql@3.8.3]}/LICENSE"
for entry in "${packages[@]}"; do
  IFS='|' read -r spec suffix <<<"${entry}"
  pkgdir="${unpacked[${spec}]}"
  out="${dest}.tmp/LICENSE.${suffix}"
  if [[ -f "${pkgdir}/LICENSE" ]]; then
    install -m 0644 "${pkgdir}/LICENSE" "${out}"
  elif [[ "${spec}" == @graphiql/* ]]; then
    # @graphiql/* tarballs ship no LICENSE file; package.json says MIT and the
    # package lives in the graphql/graphiql monorepo, whose LICENSE applies.
    {
      echo "${spec} ships no LICENSE file in its npm tarball. Its package.json"
      echo "declares \"license\": \"MIT\" and it is published from the graphql/graphiql"
      echo "monorepo (packages/graphiql-plugin-explorer), whose MIT licence follows"
      echo "(copied from graphiql@3.8.3/LICENSE)."
      echo
      cat "${graphiql_license}"
    } >"${out}"
    chmod 0644 "${out}"
  else
    echo "${spec}: no LICENSE file in tarball" >&2
    exit 1
  fi
done

# Keep the hand-written README if present.
if [[ -f "${dest}/README.md" ]]; then
  cp "${dest}/README.md" "${dest}.tmp/README.md"
fi

(cd "${dest}.tmp" && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name README.md -printf '%f\n' \
  | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)

rm -rf "${dest}"
mv "${dest}.tmp" "${dest}"
echo "vendored into ${dest}:" >&2
(cd "${dest}" && ls -l >&2 && sha256sum -c --quiet SHA256SUMS)
