#!/usr/bin/env bash
# A walk through reviewctl: one fictional case of each review type (lcspr, sar, dhr)
# taken from referral to closure, plus a referral with no further action and a dhr the
# Independent Chair decides not to conduct, on a scratch copy of this repository's store.
#
# `make demo` runs it from the repository root with the venv's bin on PATH. The
# repository's own cases are copied, never changed; the copy is deleted at the end.
# Every date is fixed, and the steps are in date order (30 November 2026 to 14 June
# 2027), so from run to run only the case ids (random by design) and the commit hashes
# differ.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/reviewctl-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# The store is a folder of the scratch directory; the files handed to commands (a
# chronology, reports, plans) sit beside it.
store=$scratch/store
mkdir "$store"

# A fictional identity for every commit, whatever the user's own git settings.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_AUTHOR_NAME="Demo Business Unit" GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME="Demo Business Unit" GIT_COMMITTER_EMAIL=demo@example.invalid

heading() { printf '\n== %s ==\n' "$*"; }

# Print a command as it would be typed from the scratch directory (the --store
# option left out).
show_cmd() {
    local line='$ reviewctl' arg
    for arg in "$@"; do
        arg=${arg#"$scratch"/}
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
        reviewctl --store "$store" "$@" --date "$day" 2>&1
}

# refused DATE ARGS...: like `on`, for a step that reviewctl must refuse.
refused() {
    local status=0
    on "$@" || status=$?
    if ((status == 0)); then
        echo "demo: expected reviewctl to refuse that step" >&2
        exit 1
    fi
    echo "(refused: exit status $status)"
}

# refer_on VAR DATE ARGS...: record a referral on DATE and keep its new id in VAR.
refer_on() {
    local var=$1 day=$2 id
    shift 2
    show_cmd refer "$@" --date "$day"
    id=$(REVIEWCTL_TODAY=$day GIT_AUTHOR_DATE="${day}T10:00:00Z" GIT_COMMITTER_DATE="${day}T10:00:00Z" \
        reviewctl --store "$store" refer "$@" --date "$day")
    printf '%s\n' "$id"
    printf -v "$var" '%s' "$id"
}

# look DATE ARGS...: a read-only command, as it looks on DATE.
look() {
    local day=$1
    shift
    show_cmd --as-of "$day" "$@"
    reviewctl --store "$store" --as-of "$day" "$@" 2>&1
}

# show_file PATH: print a file of the store or the scratch directory, as `cat` would.
show_file() {
    local shown=${1#"$store"/}
    printf '$ cat %s\n' "${shown#"$scratch"/}"
    cat "$1"
}

heading "A scratch copy of the store"
cp "$repo/reviewctl.yaml" "$store/"
cp -R "$repo/cases" "$repo/templates" "$store/"
git -C "$store" init -q -b main  # the base branch the store's settings name
git -C "$store" config user.name "Demo Business Unit"
git -C "$store" config user.email demo@example.invalid
git -C "$store" config commit.gpgsign false
git -C "$store" add -A
GIT_AUTHOR_DATE=2026-11-27T10:00:00Z GIT_COMMITTER_DATE=2026-11-27T10:00:00Z \
    git -C "$store" commit -q -m "Demo: a copy of the repository's store"
echo "copied reviewctl.yaml, cases/ and templates/ into a new git repository (removed at the end)"

# The files the reviews hand in: terms of reference, reports, a communications plan.
cat >"$scratch/tor.md" <<'EOF'
# Terms of reference (fictional)

Agency contact with the subject and household over the two years before the incident.
EOF
cat >"$scratch/comms-plan.md" <<'EOF'
# Communications plan (fictional)

Family briefed before publication; agencies briefed; learning briefings afterwards.
EOF
# write_report FILE SUBJECT: a short fictional report with two recommendations.
write_report() {
    cat >"$1" <<EOF
# Review report: $2 (fictional)

## Findings

Agencies held pieces of the picture, but no one agency saw the whole of it.

## Recommendations

1. The partnership should publish a shared escalation protocol.
2. Agencies should record who else is involved at every contact.
EOF
}

# ---------------------------------------------------------------------------------
heading "Referrals and triage (30 November - 7 December 2026)"
echo "# Child D (lcspr): a school's concern after a serious injury."
refer_on child 2026-11-30 --type lcspr --subject "Child D" --referrer "Fictional Academy DSL" \
    --received 2026-11-30 --incident-date 2026-11-27 \
    --summary "Child D, aged 7, seriously injured at home; the school had raised concerns." \
    --agency "Fictional Shire Council Children's Social Care" --agency "Fictional Shire Police"
echo "# Adult C (dhr): a police notification of a sudden death."
refer_on adult_c 2026-11-30 --type dhr --subject "Adult C" --referrer "Fictional Shire Police PPU" \
    --received 2026-11-30 --incident-date 2026-11-26 \
    --summary "Police notification of the sudden death of Adult C." \
    --agency "Fictional Shire Police" --agency "Fictional Domestic Abuse Service"
on 2026-12-01 triage "$child" --accept \
    --reason "Serious harm where abuse or neglect is suspected: a notifiable incident." \
    --agency "Fictional Shire ICB"
on 2026-12-01 triage "$adult_c" --accept \
    --reason "Police notification of a death that may have involved domestic abuse."
on 2026-12-02 scope "$child" --notified 2026-12-02

echo "# Adult B: one death, two statutory reviews. The police notify a possible DHR, Adult"
echo "# Social Care refers a SAR, and the two cases are linked as parallel reviews."
refer_on adult_b_dhr 2026-12-02 --type dhr --subject "Adult B" --referrer "Fictional Shire Police PPU" \
    --received 2026-12-02 --incident-date 2026-11-28 \
    --summary "Adult B, aged 79, died at home; a family member she lived with has been arrested." \
    --agency "Fictional Shire Police" --agency "Fictional Shire ICB"
refer_on adult_b_sar 2026-12-03 --type sar --subject "Adult B" \
    --referrer "Fictional Shire Council Adult Social Care team manager" \
    --received 2026-12-03 --incident-date 2026-11-28 \
    --summary "Adult B had care and support needs; carers had raised concerns before her death." \
    --agency "Fictional Shire Council Adult Social Care" --agency "Fictional Home Care Agency"
on 2026-12-03 triage "$adult_b_dhr" --accept \
    --reason "A death that may have resulted from abuse by a household member (DVCVA 2004 s9)."
on 2026-12-03 triage "$adult_b_sar" --accept \
    --reason "An adult with care and support needs died and abuse is suspected (Care Act 2014 s44)."
on 2026-12-03 link "$adult_b_dhr" "$adult_b_sar" --kind parallel

echo "# Adult E (type unknown): a step out of order is refused, with the steps possible now."
refer_on adult_e 2026-12-04 --type unknown --subject "Adult E" \
    --referrer "Fictional Housing Association tenancy officer" \
    --summary "Concern about Adult E's living conditions after a neighbour complaint." \
    --agency "Fictional Housing Association"
refused 2026-12-07 decide "$adult_e" --conduct --reason "Too early."
on 2026-12-07 triage "$adult_e" --no-further-action \
    --reason "No death or serious harm, so review criteria not met; passed to Adult Social Care."

# ---------------------------------------------------------------------------------
heading "Scoping and decisions (7 - 22 December 2026)"
on 2026-12-07 scope "$adult_c" --done
on 2026-12-09 decide "$adult_c" --not-conduct \
    --reason "No abuse by a relative, partner or household member found: s9 not met." \
    --attendee "Community Safety Partnership chair" --attendee "Police detective inspector"
echo "# Child D's scoping cannot finish before the rapid review has gone to the National Panel:"
refused 2026-12-14 scope "$child" --done
on 2026-12-14 scope "$adult_b_dhr" --done
on 2026-12-14 scope "$adult_b_sar" --done
echo "# Adult C: the Independent Chair agrees not to conduct a DHR; the Home Office is told."
on 2026-12-15 decide "$adult_c" --chair --not-conduct \
    --reason "I agree: the criteria are not met; the learning goes to the L&D Group." \
    --learning-to "Learning and Development Group"
on 2026-12-16 notify "$adult_c" --national
on 2026-12-16 scope "$child" --rapid-review-sent 2026-12-16 --done \
    --message "Rapid review meeting held on 15 December; all three agencies took part."
on 2026-12-17 decide "$adult_b_dhr" --conduct \
    --reason "s9 criteria met: a death at the hands of a household member is alleged." \
    --attendee "Community Safety Partnership chair" --attendee "SAR subgroup chair" \
    --parallel "Criminal trial" --parallel "Inquest (opened and adjourned)"
on 2026-12-17 decide "$adult_b_sar" --conduct --basis mandatory \
    --reason "s44 criteria met; to run in parallel with the DHR, sharing one chronology." \
    --attendee "Community Safety Partnership chair" --attendee "SAR subgroup chair" \
    --parallel "Domestic Homicide Review"
on 2026-12-21 decide "$child" --conduct \
    --reason "Rapid review found learning for several agencies; the National Panel agreed." \
    --attendee "Council director of children's services" --attendee "ICB chief nurse" \
    --attendee "Police superintendent" --parallel "Police investigation" \
    --scope "Agency contact with Child D and the household from January 2025." \
    --partner "local-authority=Fictional Director; Director of Children's Services" \
    --partner "icb=Fictional Chief Nurse; ICB Chief Nurse" \
    --partner "police=Fictional Superintendent; Head of Public Protection"
on 2026-12-22 decide "$adult_b_dhr" --chair --conduct --reason "I agree with the recommendation."
on 2026-12-22 decide "$adult_b_sar" --chair --conduct --reason "I agree with the recommendation."

# ---------------------------------------------------------------------------------
heading "Setting up the three reviews (23 December 2026 - 13 January 2027)"
on 2026-12-23 notify "$child" --family
on 2026-12-23 notify "$child" --national
on 2026-12-23 notify "$adult_b_dhr" --national
on 2026-12-23 notify "$adult_b_dhr" --family
on 2026-12-23 notify "$adult_b_sar" --family \
    --not-appropriate "The family is already engaged through the parallel DHR (one contact)."
on 2026-12-23 chronology request "$child" --agency "Fictional Shire Police" \
    --agency "Fictional Shire Council Children's Social Care"
on 2026-12-23 chronology request "$adult_b_dhr" --agency "Fictional Shire Police" \
    --agency "Fictional Shire ICB"
on 2026-12-23 chronology request "$adult_b_sar" --agency "Fictional Home Care Agency"
echo "# The lead reviewer must be independent of every agency involved:"
on 2027-01-06 commission "$child" --lead-reviewer "A. Reviewer (fictional)" \
    --organisation "Fictional Independent Reviews Ltd" --declare-independent
on 2027-01-06 commission "$adult_b_dhr" --lead-reviewer "B. Reviewer (fictional)" \
    --organisation "Fictional Review Associates" --declare-independent
on 2027-01-06 commission "$adult_b_sar" --lead-reviewer "B. Reviewer (fictional)" \
    --organisation "Fictional Review Associates" --declare-independent
on 2027-01-07 panel add "$child" --name "C. Panellist (fictional)" \
    --agency "Fictional Shire Police" --role "Detective inspector"
on 2027-01-07 panel add "$adult_b_dhr" --name "D. Panellist (fictional)" \
    --agency "Fictional Shire ICB" --role "Designated nurse"
on 2027-01-07 panel add "$adult_b_sar" --name "E. Panellist (fictional)" \
    --agency "Fictional Home Care Agency" --role "Registered manager"
for id in "$child" "$adult_b_dhr" "$adult_b_sar"; do
    on 2027-01-13 tor "$id" --file "$scratch/tor.md" --milestone "Report to the JCRG=2027-04-21"
done

# ---------------------------------------------------------------------------------
heading "The reviews under way (20 January - 14 April 2027)"
echo "# Adult B (dhr): two agencies send their key events as CSV; the integrated"
echo "# chronology merges them by date and flags the likely duplicate."
cat >"$scratch/police.csv" <<'CSV'
date,time,event,source,significance
2026-03-02,22:10,Officers attended after a neighbour heard shouting,Incident log,high
2026-10-19,,Adult B reported a fall to the call handler,Call record,medium
CSV
cat >"$scratch/icb.csv" <<'CSV'
date,time,event,source,significance
2026-03-02,,Officers attended after a neighbour reported shouting,GP letter,high
2026-05-14,10:30,GP review of Adult B's bruising,GP record,high
CSV
show_file "$scratch/police.csv"
on 2027-01-20 chronology import "$adult_b_dhr" "$scratch/police.csv" --agency "Fictional Shire Police"
on 2027-01-21 chronology import "$adult_b_dhr" "$scratch/icb.csv" --agency "Fictional Shire ICB"
look 2027-01-21 chronology show "$adult_b_dhr"
echo "# Adult B (dhr): the review waits for the criminal trial, so its completion clock pauses."
on 2027-01-25 clock pause "$adult_b_dhr" dhr-submission \
    --reason "Waiting for the criminal trial: witnesses cannot be interviewed before it" --for "Criminal trial"
echo "# Child D: the National Panel agrees a later date for the review."
on 2027-02-01 clock extend "$child" review-publication --to 2027-08-31 \
    --reason "The police investigation delayed agency interviews" --agreed-by "National Panel"
echo "# A paused clock is not red, and the original due date stays beside the revised one:"
look 2027-02-01 due
on 2027-03-01 clock resume "$adult_b_dhr" dhr-submission
look 2027-03-01 clock list "$adult_b_dhr"
on 2027-02-17 engage "$child" --with "mother" --note "Met at home with an advocate."
for id in "$child" "$adult_b_dhr" "$adult_b_sar"; do
    on 2027-03-31 checklist "$id" --tick purpose-and-principles --tick methodology --tick guidance \
        --tick family-engagement --tick analysis --tick learning
done
write_report "$scratch/report-child-d.md" "Child D"
write_report "$scratch/report-adult-b-dhr.md" "Adult B (DHR)"
write_report "$scratch/report-adult-b-sar.md" "Adult B (SAR)"
on 2027-04-07 report "$child" --file "$scratch/report-child-d.md"
on 2027-04-07 report "$adult_b_dhr" --file "$scratch/report-adult-b-dhr.md"
on 2027-04-07 report "$adult_b_sar" --file "$scratch/report-adult-b-sar.md"
echo "# The chronologies never returned stay visible as missed once the report is in,"
echo "# and what next names what each step still needs, with the command that records it:"
look 2027-04-07 show "$child"
look 2027-04-07 next "$adult_b_sar"
for id in "$child" "$adult_b_dhr" "$adult_b_sar"; do
    on 2027-04-14 report "$id" --agreed
done

# ---------------------------------------------------------------------------------
heading "JCRG, approval and publication (21 April - 19 May 2027)"
for id in "$child" "$adult_b_dhr" "$adult_b_sar"; do
    on 2027-04-21 present "$id"
done
on 2027-04-21 jcrg "$child" --final-report 1 --comms-plan "$scratch/comms-plan.md" \
    --action "Publish a shared escalation protocol" --owner "Fictional Shire Safeguarding Partnership" \
    --due 2027-05-28 --measure "Protocol published and briefed" \
    --action "Audit recording of household members" --owner "Fictional Shire ICB" \
    --due 2027-09-30 --measure "Audit of 50 records reported to the JCRG"
on 2027-04-21 jcrg "$adult_b_dhr" --final-report 1 --comms-plan "$scratch/comms-plan.md" \
    --action "Routine enquiry about abuse at GP reviews of injuries" --owner "Fictional Shire ICB" \
    --due 2027-06-30 --measure "Enquiry recorded in 90% of audited reviews"
on 2027-04-21 jcrg "$adult_b_sar" --final-report 1 --comms-plan "$scratch/comms-plan.md" \
    --action "Carers' concerns escalated within 24 hours" --owner "Fictional Home Care Agency" \
    --due 2027-06-30 --measure "Escalation policy in place; spot check of 20 visits"
for id in "$child" "$adult_b_sar" "$adult_b_dhr"; do
    on 2027-04-28 approve "$id" --role sscp
    on 2027-04-28 approve "$id" --role independent-chair
done
echo "# Adult B (DHR): the report goes to the Home Office; its QA Panel's letter is published with it."
cat >"$scratch/qa-letter.md" <<'EOF'
# Home Office Quality Assurance Panel (fictional)

The Panel has read the report and approves it for publication.
EOF
on 2027-04-29 home-office submit "$adult_b_dhr"
on 2027-05-12 home-office qa "$adult_b_dhr" --outcome approved --letter "$scratch/qa-letter.md"
echo "# Child D: the National Panel, Ofsted and the Secretary of State had the report on"
echo "# 4 May, at least 7 working days before it is public on 17 May."
on 2027-05-10 publish "$child" --where "https://example.invalid/reviews/child-d" \
    --notified-on 2027-05-04 --embargo-until 2027-05-17
notice=("$store/cases/$child/documents/"*-publication-notification-national-panel.md)
show_file "${notice[0]}"
on 2027-05-10 publish "$adult_b_sar" --where "https://example.invalid/reviews/adult-b-sar"
on 2027-05-19 publish "$adult_b_dhr" --where "https://example.invalid/reviews/adult-b-dhr"

# ---------------------------------------------------------------------------------
heading "Monitoring the action plans, and closing (24 May - 14 June 2027)"
for id in "$child" "$adult_b_dhr" "$adult_b_sar"; do
    on 2027-05-24 monitor "$id"
done
on 2027-05-26 actions update "$child" A1 --progress "Protocol drafted; consultation closes 4 June." \
    --status at-risk
echo "# Child D's action plan with RAG status on 27 May: A1 is due tomorrow and at risk."
look 2027-05-27 actions list "$child"
echo "# Closing is refused while an action is still open:"
refused 2027-06-07 close "$child"
on 2027-06-07 actions sign-off "$child" A1
on 2027-06-07 impact "$child" --note "Referral audit: concerns escalated in 9 of 10 cases sampled."
on 2027-06-07 close "$child" --reason "A2 moves to the Learning and Development Group's audit programme."
on 2027-06-09 actions sign-off "$adult_b_sar" A1
on 2027-06-09 close "$adult_b_sar"
on 2027-06-14 actions sign-off "$adult_b_dhr" A1
on 2027-06-14 close "$adult_b_dhr"
echo "# Every document of Adult B's SAR, each rendered from a template in templates/:"
printf '$ ls cases/%s/documents/\n' "$adult_b_sar"
ls "$store/cases/$adult_b_sar/documents/"

# ---------------------------------------------------------------------------------
heading "History of the three reviews"
echo "# Child D: each step, and the commits that recorded it."
look 2027-06-14 log "$child"
echo "# Adult B's SAR and DHR: what was recorded, the clocks, and the steps."
look 2027-06-14 show "$adult_b_sar"
look 2027-06-14 show "$adult_b_dhr"

heading "The tracker on 14 June 2027"
look 2027-06-14 list
look 2027-06-14 validate

# ---------------------------------------------------------------------------------
heading "Real identifiers, kept encrypted (15 June 2027 - 8 June 2028)"
# The team's keys: a fictional SSH key of the business unit's, made for the demo. The
# key store, which holds each case's own key, lives outside the repository.
ssh-keygen -q -t ed25519 -N "" -C demo-business-unit -f "$scratch/demo-key"
ssh-keygen -q -t ed25519 -N "" -C demo-chair -f "$scratch/chair-key"
export REVIEWCTL_KEYSTORE=$scratch/keystore REVIEWCTL_IDENTITY=$scratch/demo-key
echo "# Who can read the identifiers: the team's recipients, each a commit."
show_cmd recipients add business-unit --key "$scratch/demo-key.pub"
reviewctl --store "$store" recipients add business-unit --key "$scratch/demo-key.pub" 2>&1
echo "# A referral whose real (fictional) name and date of birth are encrypted at once:"
refer_on child_f 2027-06-15 --type lcspr --subject "Child F" --referrer "Fictional Shire Police" \
    --name "Effie Madeup-Example" --dob 2021-02-03 --agency "Fictional Shire Police" \
    --summary "Child F, aged 6, injured at home."
echo "# The guard at the point of entry: a real name in free text is refused, never repeated."
refused 2027-06-16 triage "$child_f" --accept --reason "Effie's nursery raised a concern."
on 2027-06-16 triage "$child_f" --accept --reason "Child F's nursery raised a concern."
echo "# Identifiers nobody listed are refused too, on any case and with no key: the shapes of an"
echo "# NHS number, a postcode, an address, a date of birth, a phone number, an e-mail address, a"
echo "# title and a name. A deliberate use is allowed with --allow and a reason kept in the history."
refused 2027-06-16 scope "$child_f" --notified 2027-06-16 --message "Mrs Madeup rang from 07700 900123."
on 2027-06-16 scope "$child_f" --notified 2027-06-16 --message "The nursery is at 9 Sample Lane, TT1 1AA." \
    --allow address --allow postcode --allow-reason "The nursery's address places the events (fictional)."
echo "# Identifiers added to a closed case; the chair becomes a recipient too (every case key is"
echo "# re-encrypted for the new set)."
on 2027-06-17 confidential "$child" --set "name=Dee Imaginary-Example" --set "address=4 Madeup Row, Nowhereton"
show_cmd recipients add chair --key "$scratch/chair-key.pub"
reviewctl --store "$store" recipients add chair --key "$scratch/chair-key.pub" 2>&1
look 2027-06-17 recipients list
echo "# Decrypted in memory only: to the terminal, or to a file when asked."
look 2027-06-17 --identity "$scratch/chair-key" confidential "$child_f" --show --output "$scratch/child-f.yaml"
show_file "$scratch/child-f.yaml"
printf '$ head -2 cases/%s/identifiers.age\n' "$child_f"
head -2 "$store/cases/$child_f/identifiers.age"
echo "# A year after Child D's review closed, its identifiers are due for destruction."
look 2028-06-08 retention
on 2028-06-08 purge "$child" --reason "Retention schedule: one year after closure (fictional)."
echo "# Child D's key is gone from the key store (only Child F's is left), so no copy of its"
echo "# identifiers in any commit or clone can be read again; and it takes none again."
printf '$ ls keystore/\n'
ls "$scratch/keystore"
refused 2028-06-08 confidential "$child" --set "name=Dee Imaginary-Example"

# ---------------------------------------------------------------------------------
heading "Cases as they really run: a correction, a change of type, a withdrawal, a reopening"
echo "# A referral of unsettled type turns out to be about a child: lcspr needs the serious"
echo "# incident notification and the rapid review before the decision to conduct."
refer_on child_h 2028-06-12 --type unknown --subject "Child H" --referrer "Fictional Health Visitor" \
    --received 2028-06-12 --summary "Fictional: a referral whose review type is not yet settled" \
    --agency Police --agency Health
on 2028-06-12 triage "$child_h" --accept --reason "Meets the criteria for scoping"
on 2028-06-13 scope "$child_h" --done
refused 2028-06-13 decide "$child_h" --type lcspr --conduct --reason "Criteria met"
on 2028-06-14 scope "$child_h" --notified 2028-06-13 --rapid-review-sent 2028-06-14
echo "# Recording the notification again is refused: a correction goes through amend."
refused 2028-06-14 scope "$child_h" --notified 2028-06-12
on 2028-06-14 amend "$child_h" scoping.notified 2028-06-12 --reason "The notification went on the day of the referral"
on 2028-06-14 decide "$child_h" --type lcspr --conduct --reason "Criteria met" \
    --partner "local-authority=Fictional Director; Director of Children's Services" \
    --partner "icb=Fictional Chief Nurse; ICB Chief Nurse" \
    --partner "police=Fictional Superintendent; Head of Public Protection"
look 2028-06-14 log "$child_h"

echo "# A duplicate referral is withdrawn, then reopened when it proves to be a second incident."
refer_on adult_g 2028-06-15 --type sar --subject "Adult G" --referrer "Fictional Care Provider" \
    --received 2028-06-15 --summary "Fictional: a referral that looked like a duplicate" --agency Police
on 2028-06-15 withdraw "$adult_g" --reason "A duplicate of an earlier referral"
refused 2028-06-15 reopen "$adult_g" --to scoping --reason "Not a duplicate: a second incident"
on 2028-06-15 reopen "$adult_g" --to referred --reason "Not a duplicate: a second incident"
on 2028-06-15 retype "$adult_g" --type dhr --aware 2028-06-15 --reason "The police confirmed a domestic homicide"
look 2028-06-15 show "$adult_g"

# ---------------------------------------------------------------------------------
# Issue 11: the statutory rules as the guidance has them (appended to demo/walkthrough.sh).
heading "Statutory rules: an lcspr decided by all three partners (9 June - 3 July 2028)"
echo "# Child G: the council became aware on Friday 9 June; the business unit had the"
echo "# referral on Monday. The 5 working days of the notification run from the 9th."
refer_on child_g 2028-06-12 --type lcspr --subject "Child G" --referrer "Fictional Shire Council" \
    --received 2028-06-12 --aware 2028-06-09 --incident-date 2028-06-08 \
    --summary "Child G, aged 2, seriously injured; a neighbour called the police." \
    --agency "Fictional Shire Police" --agency "Fictional Shire Council Children's Social Care"
on 2028-06-12 triage "$child_g" --accept --reason "A serious incident: notifiable."
on 2028-06-12 scope "$child_g" --notified 2028-06-09 --ofsted-dfe 2028-06-09 \
    --request "Fictional Shire Police" --request "Fictional Shire ICB"
on 2028-06-12 subject "$child_g" --set age_band=1-4 --set sex=female --set care=neither --set "setting=family home"
on 2028-06-12 parallel add "$child_g" --kind criminal --ref "Fictional Shire Police op. 2028/117"
on 2028-06-29 scope "$child_g" --rapid-review-sent 2028-06-29 --returned "Fictional Shire Police" \
    --returned "Fictional Shire ICB" --done
echo "# The decision is the three safeguarding partners': without the police's agreement it is refused."
refused 2028-07-03 decide "$child_g" --conduct --reason "Learning for several agencies." \
    --partner "local-authority=Fictional Director; Director of Children's Services" \
    --partner "icb=Fictional Chief Nurse; ICB Chief Nurse"
on 2028-07-03 decide "$child_g" --conduct --reason "Learning for several agencies." \
    --partner "local-authority=Fictional Director; Director of Children's Services" \
    --partner "icb=Fictional Chief Nurse; ICB Chief Nurse" \
    --partner "police=Fictional Superintendent; Head of Public Protection"
on 2028-07-14 scope "$child_g" --panel-response 2028-07-14 --panel-outcome agrees
on 2028-07-17 parallel event "$child_g" P1 --event "Charge; trial listed for March 2029"
on 2028-07-17 clock pause "$child_g" review-publication --reason "Disclosure held until the trial" --for P1
look 2028-07-17 clock list "$child_g"

# take_to_jcrg ID REPORT DAY...: set-up, commissioning, the review and the JCRG, each on the next day given.
take_to_jcrg() {
    local id=$1 file=$2
    shift 2
    on "$1" notify "$id" --family
    on "$1" chronology request "$id" --agency "Fictional Shire Police"
    on "$2" commission "$id" --lead-reviewer "A. Reviewer (fictional)" \
        --organisation "Fictional Independent Reviews Ltd" --declare-independent
    on "$2" panel add "$id" --name "Panel Member (fictional)" --agency "Fictional Shire Police" --role "DI"
    on "$2" tor "$id" --file "$scratch/tor.md" --milestone "Draft report=2028-10-31"
    on "$3" checklist "$id" --tick purpose-and-principles --tick methodology --tick guidance \
        --tick family-engagement --tick analysis --tick learning
    on "$3" report "$id" --file "$file"
    on "$3" report "$id" --agreed
    on "$3" present "$id"
    on "$4" jcrg "$id" --final-report "$5" --comms-plan "$scratch/comms-plan.md" \
        --action "Brief every agency on the findings" --owner "Fictional Shire Safeguarding Partnership" \
        --due 2029-06-30 --measure "Briefings delivered to all agencies"
}

heading "Statutory rules: a DHR through Home Office QA, with one resubmission (June - December 2028)"
refer_on adult_h 2028-06-12 --type dhr --subject "Adult H" --referrer "Fictional Shire Police" \
    --received 2028-06-12 --summary "Adult H died; her partner has been charged." \
    --agency "Fictional Shire Police"
on 2028-06-12 triage "$adult_h" --accept --reason "A death that may have resulted from domestic abuse."
on 2028-06-16 scope "$adult_h" --done
on 2028-06-19 decide "$adult_h" --conduct --reason "DVCVA 2004 s9 criteria met."
on 2028-06-20 decide "$adult_h" --chair --conduct --reason "I agree, on behalf of the CSP."
on 2028-06-21 notify "$adult_h" --national
write_report "$scratch/report-adult-h.md" "Adult H"
take_to_jcrg "$adult_h" "$scratch/report-adult-h.md" 2028-06-21 2028-07-03 2028-11-06 2028-11-13 1
echo "# The six months run to the report's submission to the Home Office (due 20 December), not to publication."
on 2028-11-20 home-office submit "$adult_h"
cat >"$scratch/qa-amend.md" <<'EOF'
# Home Office Quality Assurance Panel (fictional)

Please say more about the GP's contact with Adult H, then resubmit.
EOF
on 2028-12-04 home-office qa "$adult_h" --outcome amend-and-resubmit --letter "$scratch/qa-amend.md"
printf '\n## The GP contact\n\nMore on the GP contact (fictional).\n' >>"$scratch/report-adult-h.md"
on 2028-12-05 report "$adult_h" --file "$scratch/report-adult-h.md" --revision \
    --reason "Home Office QA Panel: more on the GP contact"
on 2028-12-05 report "$adult_h" --agreed
on 2028-12-05 present "$adult_h"
on 2028-12-06 jcrg "$adult_h" --final-report 2 --comms-plan "$scratch/comms-plan.md" \
    --action "Routine enquiry about abuse at GP reviews" --owner "Fictional Shire ICB" \
    --due 2029-06-30 --measure "Enquiry recorded in 90% of audited reviews"
on 2028-12-07 home-office submit "$adult_h"
on 2028-12-18 home-office qa "$adult_h" --outcome approved --letter "$scratch/qa-letter.md"
for role in sscp independent-chair; do
    on 2028-12-19 approve "$adult_h" --role "$role"
done
on 2028-12-20 publish "$adult_h" --where "https://example.invalid/reviews/adult-h"
look 2028-12-20 show "$adult_h"

heading "Statutory rules: a SAR not published, its findings in the annual figures (June - December 2028)"
refer_on adult_j 2028-06-12 --type sar --subject "Adult J" --referrer "Fictional Care Home manager" \
    --received 2028-06-12 --summary "Adult J, who had care and support needs, died after self-neglect." \
    --agency "Fictional Shire Police"
on 2028-06-12 triage "$adult_j" --accept --reason "Possible s44 criteria."
on 2028-06-16 scope "$adult_j" --done
on 2028-06-19 decide "$adult_j" --conduct --basis mandatory --reason "Care Act 2014 s44 criteria met."
on 2028-06-20 decide "$adult_j" --chair --conduct --reason "I agree, on behalf of the SAB."
write_report "$scratch/report-adult-j.md" "Adult J"
take_to_jcrg "$adult_j" "$scratch/report-adult-j.md" 2028-06-21 2028-07-03 2028-11-06 2028-11-13 1
on 2028-11-14 themes "$adult_j" --add Self-neglect --add "Mental capacity"
for role in sscp independent-chair; do
    on 2028-11-20 approve "$adult_j" --role "$role"
done
echo "# Publication is not required for a SAR: the findings go in the Board's annual report."
on 2028-12-11 publish "$adult_j" --route not-published \
    --reason "The family asked that the report not be published; findings go to the annual report."
on 2028-12-11 monitor "$adult_j"
look 2028-12-31 stats --year 2028 --type sar
look 2028-12-31 stats --year 2028 --by type

# ---------------------------------------------------------------------------------
heading "Word, Excel, and the spreadsheet kept before (issue 12)"
echo "# Letters as Word documents too, on the partnership's reference document (letterhead)."
if grep -q '^documents:' "$store/reviewctl.yaml"; then
    sed -i 's/^documents:.*/documents: [md, docx]/' "$store/reviewctl.yaml"
else
    printf 'documents: [md, docx]\n' >>"$store/reviewctl.yaml"
fi
python3 - "$store/templates/reference.docx" <<'PY'
import sys
from docx import Document
doc = Document()
doc.styles["Normal"].font.name = "Arial"
doc.sections[0].header.paragraphs[0].text = "Fictional Shire Safeguarding Partnership"
doc.save(sys.argv[1])
PY
git -C "$store" add reviewctl.yaml templates/reference.docx
git -C "$store" commit -qm "Letters as Word documents too, on the partnership's letterhead"
refer_on word_case 2028-06-09 --type sar --subject "Adult W" --referrer "Fictional Care Home manager" \
    --summary "Fictional summary" --agency "Adult Social Care"
on 2028-06-09 triage "$word_case" --no-further-action --reason "A single agency matter (fictional)."
printf '$ ls cases/%s/documents/\n' "$word_case"
ls "$store/cases/$word_case/documents"
echo "# The tracker kept before, brought in: one case per row, every row checked first, one commit."
cat >"$scratch/old-tracker.csv" <<'CSV'
Pseudonym,Review type,Referred by,Date received,Incident date,Summary,Agencies,Status,Decision date
Child P,Child,Fictional Academy DSL,02/03/2028,28/02/2028,Fictional summary,Police; Health,Review under way,23/03/2028
Adult Q,Adult,Fictional Shire Police,15 Mar 2028,,Fictional summary,Adult Social Care,With the chair,
CSV
reviewctl --store "$store" template import-map.yaml >"$scratch/map.yaml"
show_cmd template import-map.yaml
echo "(written to map.yaml; this tracker has a decision date, so the # before 'decision:' is taken out)"
sed -i 's/^  # decision: Decision date /  decision: Decision date   /' "$scratch/map.yaml"
look 2028-06-09 import "$scratch/old-tracker.csv" --map "$scratch/map.yaml" --dry-run
on 2028-06-09 import "$scratch/old-tracker.csv" --map "$scratch/map.yaml"
echo "# Found again by pseudonym, summary, agency, theme or report text:"
look 2028-06-09 search "adult social care"
echo "# The tracker as a working spreadsheet: dates as dates, filters, RAG as colour and text."
look 2028-06-09 list --format xlsx --output "$scratch/tracker.xlsx"
echo "# Read back: the headings a person reads, a date cell that is a date, RAG as text and fill."
python3 - "$scratch/tracker.xlsx" <<'PY'
import sys
from openpyxl import load_workbook
sheet = load_workbook(sys.argv[1]).active
print([c.value for c in sheet[1]][:6])
rows = [{h.value: c for h, c in zip(sheet[1], r)} for r in sheet.iter_rows(min_row=2)]
row = next(r for r in rows if r["RAG"].value)  # the first case with a running clock
print("Received:", row["Received"].value.date(), "| RAG:", row["RAG"].value, row["RAG"].fill.fgColor.rgb,
      "| frozen at", sheet.freeze_panes, "| filters on", sheet.auto_filter.ref)
PY

# ---------------------------------------------------------------------------------
# Issue 21: where the clocks start, the notices the guidance requires, a national review.
heading "Statutory rules, second round: a looked-after child taken into a national review (2028)"
echo "# Aware Tue 19 Sep 2028: the rapid review counts from awareness (15 working days: Tue 10 Oct),"
echo "# and Ofsted and the Secretary of State are told within 5 working days (Tue 26 Sep)."
refer_on child_n 2028-09-19 --type lcspr --subject "Child N" --referrer "Fictional Shire Council" \
    --received 2028-09-19 --aware 2028-09-19 --summary "Child N, looked after, seriously harmed." \
    --agency "Fictional Shire Police" --set "care=looked after"
on 2028-09-19 triage "$child_n" --accept --reason "A serious incident: notifiable."
on 2028-09-20 scope "$child_n" --notified 2028-09-20
on 2028-10-06 scope "$child_n" --rapid-review-sent 2028-10-06
echo "# A looked-after child: scoping is not done until Ofsted and the Secretary of State are told"
echo "# (here on Fri 29 Sep: 3 working days late)."
refused 2028-10-06 scope "$child_n" --done
on 2028-10-06 scope "$child_n" --ofsted-dfe 2028-09-29 --done
look 2028-10-06 clock list "$child_n"
on 2028-10-20 scope "$child_n" --panel-response 2028-10-20 --panel-outcome national-review
echo "# Before the partners decide, the Panel's national review ends the local one (the workflow says so)."
on 2028-10-27 national-review "$child_n"
look 2028-10-27 show "$child_n"

# ---------------------------------------------------------------------------------
heading "Deadlines in the calendar, and the dashboard in the browser"
echo "# Every open deadline as an all-day event; its UID (case, clock, item) stays the same,"
echo "# so importing the file again into Outlook or Google Calendar updates the events."
show_cmd --as-of 2028-12-31 due --format ics
reviewctl --store "$store" --as-of 2028-12-31 due --format ics >"$scratch/deadlines.ics"
printf '$ grep -c BEGIN:VEVENT deadlines.ics\n'
grep -c BEGIN:VEVENT "$scratch/deadlines.ics"
printf '$ sed -n 7,16p deadlines.ics\n'
sed -n 7,16p "$scratch/deadlines.ics"
echo "# The store as a static site: the tracker, each case's timeline, what is due, the"
echo "# annual figures and the improvement actions. No server, nothing fetched from the network."
site_dir="${TMPDIR:-/tmp}/reviewctl-demo-site"
look 2028-12-31 site "$site_dir"
echo
echo "Open the dashboard in a browser: file://$site_dir/index.html"
