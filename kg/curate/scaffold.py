"""``kg new-case``: a case-study file from the commented template, ready to fill in.

The template lives in ``templates/case.ttl`` so that curators and reviewers read the same text the
command writes; only the case slug and the countries are filled in here. A country the graph does
not know yet is described from pycountry's ISO 3166 data (code and English name) in the
workspace's ``reference/places.ttl``: no hand-kept list. No maintained offline dataset gives the
Wikidata item of a country, so no Wikidata link is written; a curator who has checked one adds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from kg.errors import InputError
from kg.resources import package_file

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACE_NS = "https://w3id.org/refugee-access/id/place/"
ISO_CODE = "https://w3id.org/refugee-access/def#isoCode"
COUNTRY = "https://schema.org/Country"


@dataclass(frozen=True)
class Country:
    """An ISO 3166-1 country: its code, English name and place IRI."""

    code: str
    name: str
    iri: str

    @property
    def curie(self) -> str:
        return "raplace:" + self.iri.removeprefix(PLACE_NS)


def known_countries() -> dict[str, str]:
    """ISO 3166-1 code → place IRI, for the countries the loaded graph (workspace included) describes."""
    from kg.load import load

    graph = load(shipped=True)
    query = f"SELECT ?place ?code WHERE {{ ?place a <{COUNTRY}> ; <{ISO_CODE}> ?code }}"
    return {row["code"].value.upper(): row["place"].value for row in graph.select(query).rows}


def iso_country(code: str) -> tuple[str, str]:
    """(alpha-2 code, common English name) from pycountry; an InputError for an unknown code."""
    import pycountry

    wanted = code.strip().upper()
    found = pycountry.countries.get(alpha_2=wanted) if len(wanted) == 2 else None
    found = found or (pycountry.countries.get(alpha_3=wanted) if len(wanted) == 3 else None)
    if found is None:
        raise InputError(
            f"{code!r} is not an ISO 3166-1 country code (two letters, e.g. KE for Kenya, CA for Canada)"
        )
    return found.alpha_2, getattr(found, "common_name", None) or found.name


def slug_of(name: str) -> str:
    """A readable place slug from a country name: 'New Zealand' → 'new-zealand'."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))


def resolve(codes: list[str]) -> tuple[list[Country], list[Country]]:
    """The countries for the codes, and those among them the graph does not describe yet."""
    known = known_countries()
    countries: list[Country] = []
    new: list[Country] = []
    for given in codes:
        code, name = iso_country(given)
        if code in known:
            countries.append(Country(code, name, known[code]))
        else:
            country = Country(code, name, PLACE_NS + slug_of(name))
            countries.append(country)
            new.append(country)
    return countries, new


def add_places(places: Path, countries: list[Country]) -> None:
    """Append the countries to a places file (created with its graph description if missing)."""
    places.parent.mkdir(parents=True, exist_ok=True)
    template = package_file("curate", "templates", "place.ttl").read_text(encoding="utf-8")
    head, _, entry = template.partition("# ---- entry\n")
    text = places.read_text(encoding="utf-8") if places.exists() else head
    for country in countries:
        if f"<{country.iri}>" in text or f"{country.curie} a" in text:
            continue
        text = (
            text.rstrip("\n")
            + "\n\n"
            + Template(entry).substitute(
                place=country.curie, name=country.name.replace('"', '\\"'), code=country.code
            )
        )
    places.write_text(text, encoding="utf-8")


def new_case(slug: str, countries: list[Country] | None = None) -> str:
    """The template text for case SLUG, its places set to the given countries (a TODO when none)."""
    if not SLUG.match(slug):
        raise InputError(
            f"{slug!r} is not a valid case slug: use lower-case words joined by '-' (kenya-nhif-enrolment)"
        )
    template = Template(package_file("curate", "templates", "case.ttl").read_text(encoding="utf-8"))
    place = " , ".join(c.curie for c in countries) if countries else "raplace:TODO-country"
    return template.substitute(case=slug, place=place)
