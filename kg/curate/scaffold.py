"""``kg new-case``: a case-study file from the commented template, ready to fill in.

The template lives in ``templates/case.ttl`` so that curators and reviewers read the same text the
command writes; only the case slug and the country are filled in here.
"""

from __future__ import annotations

import re
from string import Template

from kg.errors import InputError
from kg.resources import data_dir, package_file

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACE_NS = "https://w3id.org/refugee-access/id/place/"


def countries() -> dict[str, str]:
    """ISO 3166-1 code → place IRI, for the countries of the shipped reference places."""
    import rdflib

    graph = rdflib.Graph().parse(data_dir() / "reference" / "places.ttl", format="turtle")
    iso = rdflib.URIRef("https://w3id.org/refugee-access/def#isoCode")
    country = rdflib.URIRef("https://schema.org/Country")
    return {
        str(code).upper(): str(place)
        for place, code in graph.subject_objects(iso)
        if (place, rdflib.RDF.type, country) in graph
    }


def place_for(country: str | None) -> str:
    """The Turtle term for the country: a shipped place, or a TODO name when none was given."""
    if not country:
        return "raplace:TODO-country"
    known = countries()
    iri = known.get(country.strip().upper())
    if iri is None:
        raise InputError(
            f"no country with ISO code {country!r} among the reference places; known codes: "
            f"{', '.join(sorted(known))}. Add the country to data/reference/places.ttl first."
        )
    return "raplace:" + iri.removeprefix(PLACE_NS)


def new_case(slug: str, country: str | None = None) -> str:
    """The template text for case SLUG, its places set to COUNTRY (an ISO 3166-1 code) when given."""
    if not SLUG.match(slug):
        raise InputError(
            f"{slug!r} is not a valid case slug: use lower-case words joined by '-' (kenya-nhif-enrolment)"
        )
    template = Template(package_file("curate", "templates", "case.ttl").read_text(encoding="utf-8"))
    return template.substitute(case=slug, place=place_for(country))
