"""A fictional case study in two countries the shipped graph lacks (Canada and New Zealand), for the
workspace tests: the values that fill the template of `kg new-case`, and the source text they quote
(tests/fixtures/workspace/two-country-health-app.txt, marked there as a test fixture).

The facts: the (fictional) NGO "Harbour Resettlement Network" runs the "Newcomer Health Compass" app,
which tells resettled refugees how to register with a family doctor and how public health insurance
works. Its staff work with provincial health insurance officers on each release (relationship
building). Barrier: newcomers do not know how to register (information). Challenge: some users have
no smartphone (limited income), answered by lending phones. Condition: insurance covers refugees
from arrival. Outcome: 4,000 families registered with a doctor. Entitlement: same terms as residents.
"""

from __future__ import annotations

from pathlib import Path

SLUG = "two-country-health-app"
SOURCE_TEXT = Path(__file__).parent / "fixtures" / "workspace" / f"{SLUG}.txt"
IMPLEMENTER = "Harbour Resettlement Network"
PROGRAMME = "Newcomer Health Compass app"

#: Values for the template's TODO markers; a list fills successive occurrences in file order.
FILL: dict[str, str | list[str]] = {
    "# Case study: TODO one sentence saying who does what, for whom, where.": "# Case study: an app.",
    "# Source: TODO the document these facts come from.": "# Source: a fictional text for the tests.",
    "TODO: Case study: short title": "Case study: a health navigation app for resettled refugees",
    "TODO: title of the source": "Newcomer Health Compass: a health navigation app",
    "TODO: author name": "A. Example",
    "TODO-year": "2024",
    "TODO: name of the programme": PROGRAMME,
    "TODO: what was done, by whom, for whom, in your own words": (
        "An NGO's app explains to resettled refugees how to find a family doctor and use public insurance."
    ),
    "status:TODO-status": "status:ongoing",
    '# schema:startDate "2019"^^xsd:gYear ;': 'schema:startDate "2022-03"^^xsd:gYearMonth ;',
    "population:TODO-population": ["population:refugees"] * 4,
    "sector:TODO-sector": ["sector:health", "sector:health-insurance"],
    "strategy:TODO-strategy": ["strategy:digital-tools", "strategy:service-delivery"],
    "TODO: what the implementers plan next": "Add more languages to the app.",
    "TODO: name of the implementing organisation": IMPLEMENTER,
    "TODO: who they are, in one sentence": "A fictional NGO that supports newcomers.",
    "TODO: name of the public body": "Provincial health insurance plans",
    "TODO: what the body does": "Insure residents, resettled refugees included, for health care.",
    "level:TODO-level": ["level:sub-national"] * 3,
    "TODO: role of the official": "health insurance officers",
    "rank:TODO-rank": ["rank:front-line"] * 2,
    "TODO: who engages whom": "The network works with health insurance officers",
    "TODO: how the engagement worked": "Officers review each release so that the app matches the forms.",
    "strategy:TODO-mode": "strategy:relationship-building",
    "TODO: what the engagement is for": "Keep the app's instructions in line with the forms in use.",
    "TODO: verbatim phrase from the source": [
        "worked with provincial health insurance officers on every new release",
        "Many newcomers did not know how to register with a family doctor",
        "Some users had no smartphone of their own",
        "the network lent phones at its welcome centres",
        "public health insurance covers resettled refugees from arrival",
        "4,000 families had registered with a family doctor",
        "entitled to provincial health insurance on the same terms as residents",
    ],
    "TODO: the barrier, in a few words": "Newcomers do not know how to register with a doctor",
    "TODO: the barrier as the source documents it": "Newcomers lacked the know-how to find a doctor.",
    "barrier:TODO-barrier": ["barrier:information", "barrier:limited-income"],
    "TODO: a difficulty met on the way": "Some users had no smartphone",
    "TODO: what made delivery hard": "An app reaches only people with a phone.",
    "TODO: how the difficulty was overcome": "Phones lent at welcome centres",
    "TODO: what the implementers did": "The network lent phones to users without one.",
    "TODO: what must hold": "Insurance from arrival",
    "TODO: why the approach depends on it": "Registering helps only where insurance covers newcomers.",
    "condition:TODO-condition": "condition:inclusive-legal-framework",
    "TODO: the result": "Families registered with a family doctor",
    "TODO: the result as the source reports it": "Thousands of families found a family doctor.",
    "outcome:TODO-outcome": "outcome:scheme-enrolment",
    "result:TODO-result": "result:output",
    "TODO: name of the public scheme or service": "Provincial public health insurance",
    "TODO: who may use the scheme, on which terms": "Resettled refugees are insured as residents are",
    "TODO: the entitlement in your own words": "Insurance on the same terms as residents.",
    "entitlement:TODO-entitlement": "entitlement:same-as-nationals",
}


def fill(template: str, values: dict[str, str | list[str]] = FILL) -> str:
    """Replace each marker; a list of values replaces successive occurrences."""
    text = template
    for key, value in values.items():
        quoted = key.startswith("TODO:")  # a text value: match the whole quoted string
        marker = f'"{key}"' if quoted else key
        for one in value if isinstance(value, list) else [value]:
            one = f'"{one}"' if quoted else one
            assert marker in text, f"the template has no (more) {marker!r}"
            text = text.replace(marker, one, 1)
        assert marker not in text, f"{marker!r} occurs more often than the test fills it"
    return text
