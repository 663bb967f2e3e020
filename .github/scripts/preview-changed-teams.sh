#!/usr/bin/env bash
# Prints, as Markdown for a GitHub job summary, what kro would create differently for each team
# whose files changed since <base>: one collapsible section per team and cluster, each the output
# of `npm run preview -- user-space/<team> --cluster <cluster> --diff --base <base>`.
# Usage: .github/scripts/preview-changed-teams.sh <base-commit>
set -euo pipefail
base="${1:?usage: preview-changed-teams.sh <base-commit>}"
cd "$(dirname "$0")/../.."

mapfile -t teams < <(git diff --name-only "$base" HEAD -- user-space/ | cut -d/ -f2 | sort -u)
echo "## What kro would create differently"
echo
if ((${#teams[@]} == 0)); then
  echo "This change touches no team's files."
  exit 0
fi

fence="\`\`\`"
stderr="$(mktemp)"
trap 'rm -f "$stderr"' EXIT
for team in "${teams[@]}"; do
  # One folder per cluster in dist/, as synth writes them.
  for folder in dist/*/; do
    cluster="$(basename "$folder")"
    if [[ ! -d "user-space/$team" ]]; then
      printf '<details><summary><b>%s</b> on %s: team folder removed</summary>\n\nFlux prunes what the team had, except what it keeps (see synth'"'"'s summary).\n\n</details>\n\n' "$team" "$cluster"
      continue
    fi
    status=0
    diff="$(npm run -s preview -- "user-space/$team" --cluster "$cluster" --diff --base "$base" 2>"$stderr")" || status=$?
    verdict=""
    [[ $status == 0 ]] || verdict=" (has errors, see below)"
    printf '<details><summary><b>%s</b> on %s%s</summary>\n\n' "$team" "$cluster" "$verdict"
    if [[ -n "$diff" ]]; then
      printf '%sdiff\n%s\n%s\n\n' "$fence" "$diff" "$fence"
    fi
    if [[ -s "$stderr" ]]; then
      printf '%s\n%s\n%s\n\n' "$fence" "$(cat "$stderr")" "$fence"
    fi
    printf '</details>\n\n'
  done
done
