"""Word tables of the duplicate-effort matcher: data, kept apart from the code that reads them.

Each entry is planning language seen across functions; modest on purpose. Format of the tables:
`id  word, phrase, ...` per line, an indented line continuing the previous id.
"""

from __future__ import annotations

CONCEPT_TABLE = """
dir:down       reduce, cut, lower, decrease, minimise, minimize, lessen, halve, trim, fewer, less, shorten,
               shorter, slash, curb, eliminate, bring down
dir:up         increase, raise, grow, growth, boost, expand, lift, maximise, maximize, double, triple, more,
               higher, greater, scale up
dir:better     improve, enhance, optimise, optimize, strengthen, better
aud:customer   customer, patient, client, consumer, shopper, citizen, resident, user, guest, service user
aud:staff      staff, employee, workforce, personnel, colleague, worker, team member
aud:supplier   supplier, vendor, contractor
inv:retention  turnover, attrition, churn
retention      retention, retain
launch         launch, introduce, deploy, deployment, implement, rollout, roll out, go live, ship
retire         retire, decommission, sunset, phase out, shut down, switch off
hire           hire, recruit, recruitment
migrate        migrate, migration, move, transfer
train          train, training, upskill
automate       automate, automation
noshow         no show, missed appointment, did not attend, missed visit
booking        booking, book, appointment, reservation
cost           cost, spend, spending, expense, expenditure
sales          sales, revenue
online_sales   e commerce, ecommerce
online         online, digital, web
complaint      complaint, grievance
error          error, defect, bug, fault, mistake
outage         outage, downtime
uptime         uptime, availability
satisfaction   satisfaction, csat
nps            net promoter score, nps
consumption    consumption, usage, use
energy         energy, electricity
emission       emission, carbon, co2, greenhouse gas
inventory      inventory, stock
payment        payment, pay
ehr            electronic health record, electronic patient record, electronic medical record, ehr, emr, epr
ed             emergency department, emergency room, accident and emergency
%              per cent
wait           wait, queue, queuing, waiting
incident       incident, accident
repair         repair, fix, mend
medicine       medicine, medication, drug
morning        morning, before noon, before midday, before 12
vacancy        vacancy, vacant, void, empty
home           home, property, dwelling, house
uptake         take up, uptake, adoption, use online
year           year, annual, annually, yearly, per year, a year
decide         decide, decision, determine, approve, approval
respond        respond, response, reply
restore        restore, recover, recovery
fail           fail, failure, failed
certify        certify, certification, certificate, certified, accreditation, accredit
backlog        backlog, outstanding, awaiting
website        website, web site, site
satisfaction   satisfied
"""
"""Concept id, then the words and phrases that name it. `dir:` and `aud:` ids fill the direction
and audience slots; an `inv:` noun flips the title's direction; `a_b` expands to two concepts."""

ACRONYM_TABLE = """
emergency_department  ed, er
ehr                   ehr, emr, epr
nps                   nps
carbon                co2
csat                  csat
"""
"""Upper-case acronyms worth expanding; any other acronym is kept as a word of its own."""

SPELLING_TABLE = """
center      centre
theater     theatre
meter       metre
liter       litre
fiber       fibre
license     licence
catalog     catalogue
pediatric   paediatric
orthopedic  orthopaedic
anesthetic  anaesthetic
enrollment  enrolment
"""
"""American spelling, then British; -ise/-isation and -our are handled by rule in `stem`."""

STOP_TEXT = (
    # function words
    "a an the and or of for to in on at by with from into onto across all every each our its their this that "
    "these those be is are was were been being as so than then under below over above within least most up "
    "down out off via per through new fully further only also no not it we us who which whole s t "
    # measure words: "no-show rate" and "no-shows" name the same result
    "rate level number share proportion percentage ratio count volume amount total overall average mean "
    "median score index figure "
    # verbs that say a result is reached, not which one
    "achieve deliver ensure reach hit meet attain drive enable make get keep maintain sustain complete "
    "establish become have provide"
)
KNOWN_VERB_TEXT = (
    "hire recruit train open close publish process serve build onboard sign win resolve answer handle treat "
    "see vaccinate screen install replace upgrade plant visit inspect approve respond save generate create "
    "run host launch deploy implement migrate move retire automate"
)
"""Verbs before a count ("hire 40 nurses"): the number is a target, not an identifier."""
UNIT_TEXT = (
    "percent pct minute min mins hour hr hrs h second sec secs s day week month year point pp k m bn million "
    "thousand ppm"
)
UNIT_ALIAS_TABLE = """
%        percent, pct, per cent
minute   min, mins, minute, minutes
hour     h, hr, hrs, hour, hours
second   s, sec, secs, second, seconds
day      day, days, d
week     week, weeks, wk, wks
point    point, points, pp
"""
"""Unit spellings, then the unit `textnorm` scales them by."""
TURNOVER_CONTEXT = (
    r"\b(room|theatre|theater|case|bed|table|stock|inventory|sales|revenue|asset|time)s?\b|£|\$"
)
"""Words near "turnover" that mean a changeover or money, not people leaving."""
CARDINAL_TEXT = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
TENS_TEXT = "twenty thirty forty fifty sixty seventy eighty ninety"
