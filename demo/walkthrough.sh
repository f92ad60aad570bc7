#!/usr/bin/env bash
# A walk through reviewctl: fictional cases of each review type taken through every
# stage built so far, on a scratch copy of this repository's store.
#
# `make demo` runs it from the repository root with the venv's bin on PATH. The
# repository's own cases are copied, never changed; the copy is deleted at the end.
# Every date is fixed, so from run to run only the case ids (random by design) and
# the commit hashes differ.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/reviewctl-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# A fictional identity for every commit, whatever the user's own git settings.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_AUTHOR_NAME="Demo Business Unit" GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME="Demo Business Unit" GIT_COMMITTER_EMAIL=demo@example.invalid

heading() { printf '\n== %s ==\n' "$*"; }

# Print a command as it would be typed (the --store option left out).
show_cmd() {
    local line='$ reviewctl' arg
    for arg in "$@"; do
        case $arg in
            *[!A-Za-z0-9_./:=@+-]* | '')
                if [[ $arg == *"'"* && $arg != *[\"\$\`\\!]* ]]; then
                    line+=" \"$arg\""
                else
                    line+=" '${arg//\'/\'\\\'\'}'"
                fi
                ;;
            *) line+=" $arg" ;;
        esac
    done
    printf '%s\n' "$line"
}

# on DATE ARGS...: a step that happened on DATE and was recorded that day
# (today = DATE, and its commit is dated DATE too). Messages go to stdout.
on() {
    local day=$1
    shift
    show_cmd "$@" --date "$day"
    REVIEWCTL_TODAY=$day GIT_AUTHOR_DATE="${day}T10:00:00Z" GIT_COMMITTER_DATE="${day}T10:00:00Z" \
        reviewctl --store "$scratch" "$@" --date "$day" 2>&1
}

# refer_on VAR DATE ARGS...: record a referral on DATE and keep its new id in VAR.
refer_on() {
    local var=$1 day=$2 id
    shift 2
    show_cmd refer "$@" --date "$day"
    id=$(REVIEWCTL_TODAY=$day GIT_AUTHOR_DATE="${day}T10:00:00Z" GIT_COMMITTER_DATE="${day}T10:00:00Z" \
        reviewctl --store "$scratch" refer "$@" --date "$day")
    printf '%s\n' "$id"
    printf -v "$var" '%s' "$id"
}

# look DATE ARGS...: a read-only command, as it looks on DATE.
look() {
    local day=$1
    shift
    show_cmd --as-of "$day" "$@"
    reviewctl --store "$scratch" --as-of "$day" "$@" 2>&1
}

heading "A scratch copy of the store"
cp "$repo/reviewctl.yaml" "$scratch/"
cp -R "$repo/cases" "$repo/templates" "$scratch/"
git -C "$scratch" init -q
git -C "$scratch" config user.name "Demo Business Unit"
git -C "$scratch" config user.email demo@example.invalid
git -C "$scratch" config commit.gpgsign false
git -C "$scratch" add -A
GIT_AUTHOR_DATE=2026-11-27T10:00:00Z GIT_COMMITTER_DATE=2026-11-27T10:00:00Z \
    git -C "$scratch" commit -q -m "Demo: a copy of the repository's store"
echo "copied reviewctl.yaml, cases/ and templates/ into a new git repository (removed at the end)"

# ---------------------------------------------------------------------------------
heading "LCSPR: Child D (referral, triage, scoping with rapid review, decision)"
refer_on child 2026-11-30 --type lcspr --subject "Child D" --referrer "Fictional Academy DSL" \
    --received 2026-11-30 --incident-date 2026-11-27 \
    --summary "Child D, aged 7, seriously injured at home; the school had raised concerns." \
    --agency "Fictional Shire Council Children's Social Care" --agency "Fictional Shire Police"
on 2026-12-01 triage "$child" --accept \
    --reason "Serious harm where abuse or neglect is suspected: a notifiable incident." \
    --agency "Fictional Shire ICB"
on 2026-12-01 scope "$child" --request "Fictional Shire Police" \
    --request "Fictional Shire Council Children's Social Care" --request "Fictional Shire ICB"
on 2026-12-02 scope "$child" --notified 2026-12-02
on 2026-12-08 scope "$child" --returned "Fictional Shire Police" \
    --returned "Fictional Shire Council Children's Social Care"

echo
echo "# The clocks on 11 December: notification met, one agency still to answer."
look 2026-12-11 show "$child"

echo
echo "# Scoping cannot finish before the rapid review has gone to the National Panel:"
on 2026-12-14 scope "$child" --done || echo "(refused: exit status $?)"
on 2026-12-14 scope "$child" --returned "Fictional Shire ICB"
on 2026-12-16 scope "$child" --rapid-review-sent 2026-12-16
on 2026-12-16 scope "$child" --done \
    --message "Rapid review meeting held on 15 December; all three agencies took part."
on 2026-12-21 decide "$child" --conduct \
    --rationale "Rapid review found learning for several agencies; the National Panel agreed." \
    --attendee "Council director of children's services" --attendee "ICB chief nurse" \
    --attendee "Police superintendent" --parallel "Police investigation" \
    --scope "Agency contact with Child D and the household from January 2025."

# ---------------------------------------------------------------------------------
heading "SAR: Adult B (recommendation to the Independent Chair, who agrees)"
refer_on adult_b 2026-11-09 --type sar --subject "Adult B" \
    --referrer "Fictional Shire Council Adult Social Care team manager" \
    --received 2026-11-09 --incident-date 2026-11-02 \
    --summary "Adult B died after long-standing self-neglect; several agencies had contact." \
    --agency "Fictional Shire ICB" --agency "Fictional Community Health Trust"
on 2026-11-10 triage "$adult_b" --accept \
    --reason "Adult B died and neglect may have been a factor (Care Act 2014 s44)."
on 2026-11-27 scope "$adult_b" --done
on 2026-12-03 decide "$adult_b" --conduct \
    --rationale "s44 criteria appear met: a death, and concern about how agencies worked together." \
    --attendee "SAR subgroup chair" --attendee "Adult Social Care head of service" \
    --parallel "Inquest (opened and adjourned)"
echo
echo "# --dry-run shows what the chair's decision would change, and changes nothing:"
on 2026-12-08 decide "$adult_b" --chair --conduct \
    --rationale "I agree with the recommendation." --dry-run
on 2026-12-08 decide "$adult_b" --chair --conduct \
    --rationale "I agree with the recommendation."

# ---------------------------------------------------------------------------------
heading "DHR: Adult C (recommendation not to conduct; the chair agrees)"
refer_on adult_c 2026-11-16 --type dhr --subject "Adult C" --referrer "Fictional Shire Police PPU" \
    --received 2026-11-16 --incident-date 2026-11-12 \
    --summary "Police notification of the sudden death of Adult C." \
    --agency "Fictional Shire Police" --agency "Fictional Domestic Abuse Service"
on 2026-11-17 triage "$adult_c" --accept \
    --reason "Police notification of a death that may have involved domestic abuse."
on 2026-11-17 scope "$adult_c" --request "Fictional Shire Police" \
    --request "Fictional Domestic Abuse Service"
on 2026-11-24 scope "$adult_c" --returned "Fictional Shire Police" \
    --returned "Fictional Domestic Abuse Service"
on 2026-11-26 scope "$adult_c" --done
on 2026-12-02 decide "$adult_c" --not-conduct \
    --rationale "No abuse by a relative, partner or household member found: s9 not met." \
    --attendee "Community Safety Partnership chair" --attendee "Police detective inspector"
on 2026-12-07 decide "$adult_c" --chair --not-conduct \
    --rationale "I agree: the criteria are not met; the learning goes to the L&D Group." \
    --learning-to "Learning and Development Group"

# ---------------------------------------------------------------------------------
heading "Unknown type: Adult E (no further action; a letter to the referrer)"
refer_on adult_e 2026-12-07 --type unknown --subject "Adult E" \
    --referrer "Fictional Housing Association tenancy officer" \
    --summary "Concern about Adult E's living conditions after a neighbour complaint." \
    --agency "Fictional Housing Association"
echo
echo "# A step out of order is refused, with the steps possible now:"
on 2026-12-08 decide "$adult_e" --conduct --rationale "Too early." || echo "(refused: exit status $?)"
echo
on 2026-12-09 triage "$adult_e" --no-further-action \
    --reason "No death or serious harm, so review criteria not met; passed to Adult Social Care."
echo
echo "# The letter to the referrer, rendered from templates/no-further-action-letter.md.j2:"
letter=("$scratch/cases/$adult_e/documents/"*-no-further-action-letter.md)
echo "\$ cat cases/$adult_e/documents/${letter[0]##*/}"
cat "${letter[0]}"

# ---------------------------------------------------------------------------------
heading "History: Child D's steps and the commits that recorded them"
look 2026-12-21 log "$child"

heading "The tracker on 21 December 2026"
look 2026-12-21 list
echo
look 2026-12-21 validate
