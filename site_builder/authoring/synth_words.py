"""The vocabulary of synthetic organisations: departments, names, outcome themes, goals and free text.

Kept apart from synth.py, which decides the organisation's shape, so either can be read and edited alone.
"""

from __future__ import annotations

import datetime as dt

CYCLE = "FY2027-H1"
CYCLE_START = dt.date(2026, 7, 1)
CYCLE_END = dt.date(2026, 12, 31)
TOP_LEVEL = 6
MIN_FANOUT, MAX_FANOUT = 3, 8
VACANCY_RATE = 0.05
LEVEL_NAMES = ("Front line", "Team lead", "Manager", "Director", "Vice president", "Chief executive")
ORGANIZATIONS = ("Northwind Health", "Harbour Mutual", "Aldergrove Logistics", "Kestrel Energy")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(" "))


def _table(text: str, sep: str = " | ") -> tuple[tuple[str, ...], ...]:
    """Vocabulary kept as text, one row a line: compact to read and to edit."""
    return tuple(tuple(line.strip().split(sep)) for line in text.strip().splitlines())


# Department: its units, one per director. No word stem is shared between departments, so that
# outcomes of different departments never read as duplicated effort. Beyond eight, units get a number.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(units.split(", ")))
    for name, units in _table(
        """
        Operations: Claims Processing, Patient Access, Scheduling, Field Engineering, Fulfilment, Dispatch, Logistics, Bookings
        Finance: Accounts Payable, Accounts Receivable, Budgeting, Payroll, Treasury, Tax, Fixed Assets, Pensions
        People: Recruitment, Learning, Reward, Employee Relations, Workforce Modelling, HR Advice, Wellbeing, Talent
        Technology: Infrastructure, Applications, Data Platform, Cyber Defence, IT Helpdesk, Architecture, Networks, Cloud
        Sales: Key Clients, Regional Sales, Inside Sales, Partnerships, Sales Enablement, Bids, Renewals, Pipeline
        Marketing: Brand, Advertising, Market Insight, Events, Content, Launch Marketing, Sponsorship, Copywriting
        Customer Service: Contact Centre, Resolutions, Retention, Customer Onboarding, Billing Support, Self Service, Escalations, Live Chat
        Legal: Contracts, Litigation, Privacy, Company Secretariat, Regulatory Affairs, Intellectual Property, Trademarks, Licensing
        Supply Chain: Procurement, Warehousing, Freight, Demand Forecasting, Supplier Development, Inventory, Distribution, Returns
        Research: Clinical Research, Discovery, Laboratories, Biobank, Grants, Trials, Ethics, Genomics
        Product: Product Design, Product Management, User Studies, Pricing, Product Metrics, Releases, Roadmap, Prototyping
        Risk & Compliance: Internal Audit, Compliance Monitoring, Enterprise Risk, Fraud Prevention, Business Continuity, Policy, Sanctions, Whistleblowing
        Facilities: Estates, Maintenance, Health & Safety, Energy, Workplace Experience, Site Protection, Catering, Fleet
        Quality: Quality Assurance, Accreditation, Care Governance, Incident Review, Standards, Hygiene, Inspections, Calibration
        Communications: Newsroom, Press Desk, Stakeholder Liaison, Digital Channels, Community Engagement, Editorial, Speechwriting, Social Media
        Strategy & Planning: Corporate Strategy, Portfolio Office, Transformation, Analytics, Performance, Programme Delivery, Scenario Planning, Benchmarking
        """,  # noqa: E501
        ": ",
    )
)
FIRST_NAMES = _words("Amara Ben Chloé Daniel Elif Farah Gabriel Hannah Ines José Kwame Léa Mei Nikolai Olu")
FIRST_NAMES += _words("Priya Rhys Søren Tomás Zoë Łukasz Yusuf")
LAST_NAMES = _words("Okafor Smith Müller Nguyễn O'Brien Patel García Kowalski Haddad Jensen Ødegaard Tanaka")
LAST_NAMES += _words("Wójcik Brown Silva Novák Campbell Osei")
JOBS = _words("Specialist Analyst Coordinator Advisor Associate Officer Technician Administrator")

# Outcome themes: id | title ({a}: the role's area) | measure | target ({n}: a digit 2-9).
THEMES = _table(
    """
    turnaround | {a} turnaround under target | Median working days from request to completion | <= {n} days
    backlog | {a} backlog cleared | Open items older than 30 days | < {n}
    right-first-time | {a} right first time | Share of items completed without rework | >= 9{n}%
    satisfaction | Customers satisfied with {a} | Score in the quarterly "how did we do" survey | >= 4.{n} / 5
    unit-cost | {a} cost per case reduced | Cost per completed case | <= {n}0 EUR
    retention | Experienced people stay in {a} | Voluntary turnover, rolling 12 months | < {n}%
    online-share | {a} requests handled online | Share of requests started online | >= {n}0%
    audit-findings | {a} audit findings closed | Open high-risk audit findings | 0
    safety | No lost-time incidents in {a} | Lost-time incidents | 0
    forecast | {a} plans match actuals | Forecast error at quarter end | <= {n}%
    onboarding | New starters in {a} productive sooner | Weeks to full productivity | <= {n} weeks
    quality | {a} quality standard met | Items passing quality review | >= 9{n}%
    service-level | {a} answers within service level | Share of contacts answered within SLA | >= 8{n}%
    capacity | {a} capacity matches demand | Hours of unmet demand per month | <= {n}0
    data-quality | {a} records complete and correct | Share of records passing validation | >= 9{n}%
    automation | Manual steps removed from {a} | Manual steps per case | <= {n}
    engagement | {a} team engaged | Engagement index | >= 7{n}
    procedures | {a} know-how written down | Core procedures documented and reviewed | 100%
    complaints | Fewer complaints about {a} | Complaints per 1,000 cases | <= {n}
    """
)
# Strategy goals: title | top-role outcome id | its title | measure | target.
GOALS = _table(
    """
    Make every service easy to use | easy-services | Customers rate our services easy to use | Customer effort score | <= 2.0
    Get it right first time | right-first-time | Rework halved across the organisation | Share of work redone | <= 5%
    Grow sustainably | sustainable-growth | Growth funded from our own margin | Operating margin | >= 6%
    Be a great place to work | great-workplace | People recommend us as an employer | Employee net promoter score | >= +20
    Run on trusted data | trusted-data | Decisions made on one version of the truth | Reports built on certified data | >= 90%
    Stay safe and compliant | safe-compliant | No material compliance breach | Material breaches | 0
    Cut our footprint | lower-footprint | Emissions on the path to net zero | Scope 1 and 2 emissions versus baseline | <= -12%
    Modernise core systems | modern-core | Core systems no longer hold us back | Critical incidents caused by legacy systems | <= 2
    """  # noqa: E501
)
# Candidate milestones of each goal above, in the same order.
MILESTONES = _table(
    """
    Self-service for the top 10 requests | One front door for all enquiries | Wait times published weekly | Accessibility audit passed
    Rework measured in every unit | Top 5 failure causes removed | Quality reviews in every team | Error budget agreed per service
    Three new partnerships signed | Cost base reset | Pricing review completed | New region opened
    New career paths published | Onboarding redesigned | Pulse survey every quarter | Leadership programme launched
    Single customer record live | Data owners named for every system | Monthly performance pack automated | Data quality dashboard live
    High-risk audit findings closed | Business continuity tested | Privacy training completed by all staff | Supplier risk reviews done
    Energy metered in every site | A third of the fleet electric | Supplier emissions baseline set | Waste to landfill halved
    Legacy billing retired | Cloud migration wave 1 done | Identity management unified | Release cadence weekly
    """  # noqa: E501
)
# Free text per role; {a} is the role's area. One sentence a line.
VALUE_ADD, VALUE_ADD_2, ACCOUNTABILITIES, FOCUS, AUTHORITIES, TRADE_OFFS, HOW, NOTES = (
    tuple(line.strip() for line in block.strip().splitlines())
    for block in """
    Keeps {a} reliable, so the people who depend on it get a clear answer the first time.
    Makes sure the work of {a} is done right first time, so no one downstream has to fix it.
    Turns the plans above into {a} work that people can see, measure and improve.
    Removes the friction in {a} that costs customers time and colleagues goodwill.
    ---
    Says no early when demand exceeds what the team can do well.
    Spots problems before they reach a customer.
    Makes the trade-offs visible instead of absorbing them silently.
    ---
    Service levels for {a} met every month
    {a} budget kept within 2% of plan
    Risks in {a} known, owned and reported
    Every {a} process has a named owner
    Customer feedback on {a} acted on within 30 days
    Skills in {a} match next year's demand
    {a} data complete, correct and on time
    Handovers between {a} and other teams work: "no surprises"
    ---
    Agree priorities for {a} with the manager each month
    Coach the people who do the work in {a}
    Decide which {a} requests wait when capacity runs out
    Review the worst 10 cases in {a} every week
    Negotiate service levels with the teams {a} depends on
    Fix the #1 cause of rework in {a}
    Keep the {a} plan and the budget in step
    Explain the strategy to every new starter in {a}
    ---
    Order of work in {a}
    Overtime up to 10% of hours
    Spending up to the agreed budget line
    Who joins the {a} team
    Changes to {a} procedures
    ---
    Nice-to-have reports for {a} paused this cycle
    Second-priority {a} requests wait up to 10 days
    Process redesign in {a} deferred to FY2027-H2
    No new tools in {a} until the current ones are used well
    ---
    Delivers the {a} share of this outcome
    Without this, {a} holds the outcome back
    Removes the main {a} bottleneck behind it
    Makes the result measurable in {a}
    ---
    First draft discussed; focus list cut to what only this role can do.
    Outcomes rewritten as results, with measures and targets.
    Agreed which work stops so the outcomes fit the capacity.
    Links to the manager's plan checked; one outcome dropped as activity.
    """.split("---")  # noqa: SIM905
)
