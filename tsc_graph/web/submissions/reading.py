"""Reading a submitted form: every field as typed (to show it back, whatever happens) and, beside it, the value
ready for RDF, with the problems the form itself can see (lengths, formats, choices) — all of them at once, each
attached to its field. What the shapes require (a title, a lead organisation, a country…) is left to the SHACL
check, so that a rule lives in one place.

Nothing is cut or rewritten silently: a value over its limit is refused with the limit named, a budget or a
currency that does not parse is refused and shown back as typed. Every regex here is linear on its input.
"""
from __future__ import annotations

import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from tsc_graph.guards import is_email
from tsc_graph.iri import WEB_SCHEMES, is_iri

from .kinds import NEW_ORGS, ORG_FIELDS, FieldSpec, Kind, org_field

_CURRENCY = re.compile(r"[A-Za-z]{3}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Years a start or end date may fall in.
DATE_YEARS = (1900, 2100)
#: Largest budget: at most this many digits before the decimal point, and this many after it.
BUDGET_MAX_DIGITS = 15
BUDGET_MAX_DECIMALS = 4
#: Values one multiple choice may carry (there are 237 countries and territories).
MAX_CHOSEN = 300


@dataclass
class Entry:
    """A form as read: ``typed`` (shown back), ``values`` (for RDF), ``errors`` (field name → messages; the key
    ``general`` for what belongs to no field) and the organisations proposed inline."""

    typed: dict[str, str | list[str]] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    orgs: list[dict] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)


def read(form, kind: Kind, options: dict[str, list[tuple[str, str]]], roles: list[tuple[str, str]]) -> Entry:
    """Parse ``form`` (a MultiDict) for ``kind``; ``roles`` are the (field, label) an inline organisation may take."""
    entry = Entry()
    for spec in kind.fields:
        _read_field(form, spec, options, entry, spec.name)
    if kind.type_field and not entry.values.get(kind.type_field):
        entry.error(kind.type_field, _("Say whether it is a good practice or a lesson learnt."))
    if entry.typed.get("email") == "" and kind.field("email"):
        entry.error("email", _("Give your e-mail address: the team needs it to answer you."))
    role_names = [r for r, _label in roles]
    for n in range(1, NEW_ORGS + 1):
        _read_org(form, n, options, role_names, entry)
    return entry


def _read_field(form, spec: FieldSpec, options: dict, entry: Entry, name: str) -> None:
    if spec.widget in ("multi", "checkboxes"):
        raw = [x for x in form.getlist(name)[:MAX_CHOSEN + 1] if x]
        allowed = {v for v, _label in options.get(spec.choices, [])}
        kept = list(dict.fromkeys(x for x in raw if x in allowed))
        entry.typed[name] = kept
        entry.values[name] = kept
        if len(kept) != len(set(raw)) or len(raw) > MAX_CHOSEN:
            entry.error(name, _("Choose from the list."))
        return
    typed = form.get(name) or ""
    entry.typed[name] = typed
    value = typed.strip()
    if spec.max_length and len(value) > spec.max_length:
        entry.error(name, too_long(len(value), spec.max_length))
        entry.values[name] = ""
        return
    if spec.choices or spec.widget in ("select", "radio"):
        allowed = {v for v, _label in options.get(spec.choices, [])} if spec.choices else None
        if value and allowed is not None and value not in allowed:
            entry.error(name, _("Choose from the list."))
            entry.typed[name] = ""
            value = ""
        entry.values[name] = value
        return
    entry.values[name] = _parse(spec, value, entry, name) if value else ""


def _parse(spec: FieldSpec, value: str, entry: Entry, name: str) -> object:
    if spec.value == "date":
        day = parse_date(value)
        if day is None:
            entry.error(name, _("Give a real day between %(low)s and %(high)s, as YYYY-MM-DD.",
                                low=DATE_YEARS[0], high=DATE_YEARS[1]))
        return day or ""
    if spec.value == "decimal":
        amount = parse_budget(value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", "."))
        if amount is None:
            entry.error(name, _("Give a number zero or more, with at most %(digits)s digits before the decimal point "
                                "and %(decimals)s after it, e.g. 250000 or 250 000,50.",
                                digits=BUDGET_MAX_DIGITS, decimals=BUDGET_MAX_DECIMALS))
        return amount or ""
    if spec.value == "code":
        if not _CURRENCY.fullmatch(value):
            entry.error(name, _("Give a code of three letters, such as EUR, USD or XOF."))
            return ""
        return value.upper()
    if spec.widget == "email" or spec.value == "mailto":
        if not is_email(value):  # exactly one address: ``root,postmaster,victim@…`` sent the receipt to three
            several = any(sep in value for sep in ",; ") or value.count("@") > 1
            entry.error(name, _("Give one e-mail address only, e.g. name@example.org.") if several else
                        _("Give a valid e-mail address, e.g. name@example.org."))
            return ""
        return value
    if spec.value == "url":
        if not valid_url(value):
            entry.error(name, _("Give a web address starting with https:// or http://."))
            return ""
        return value
    return value


def _read_org(form, n: int, options: dict, roles: list[str], entry: Entry) -> None:
    """The ``n``-th organisation proposed inline: used when it has a name or anything else typed."""
    org: dict = {"n": n}
    anything = False
    for spec in ORG_FIELDS:
        name = org_field(n, spec)
        if spec.name == "role":
            raw = form.get(name) or ""
            entry.typed[name] = raw if raw in roles else ""
            org["role"] = raw if raw in roles else (roles[0] if roles else "")
            continue
        _read_field(form, spec, options, entry, name)
        org[spec.name] = entry.values.get(name, "")
        anything = anything or bool(entry.typed.get(name))
    if not anything:
        return
    if not org["name"] and not entry.errors.get(org_field(n, ORG_FIELDS[0])):
        entry.error(org_field(n, ORG_FIELDS[0]), _("Give the organisation's name, or empty its other fields."))
    entry.orgs.append(org)


def too_long(length: int, limit: int) -> str:
    """The limit named, and by how much the text is over it (nothing is cut: the visitor chooses what to drop)."""
    from flask_babel import format_decimal

    return _("This text has %(length)s characters; the limit is %(limit)s. Shorten it, nothing was cut.",
             length=format_decimal(length), limit=format_decimal(limit))


def valid_url(value: str) -> bool:
    """An absolute http(s) address with a host, without characters an IRI cannot hold."""
    if not is_iri(value, WEB_SCHEMES):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    return bool(parts.hostname) and "." in parts.hostname


def parse_date(raw: str) -> str | None:
    """``YYYY-MM-DD`` (ASCII digits) of a real day between the years :data:`DATE_YEARS`, else None."""
    if not _DATE.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return raw if DATE_YEARS[0] <= day.year <= DATE_YEARS[1] else None


def parse_budget(raw: str) -> str | None:
    """The amount as a canonical xsd:decimal (``1e6`` → ``1000000``), or None if it is not a sensible budget.

    Bounded *after* parsing, not only in characters: ``1e99999999`` is ten characters, yet rdflib writes the
    Decimal out in full (100 MB), and ``1e999999999`` took 4 GB and 18 s. A budget is finite,
    not negative, below 10^15 and has at most 4 decimals (ISO 4217 minor units go up to 4).
    """
    if len(raw) > 40:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.is_signed():
        return None
    if amount and amount.adjusted() >= BUDGET_MAX_DIGITS:  # adjusted(): exponent of the leading digit, no arithmetic
        return None
    amount = amount.normalize() if amount else Decimal(0)
    if -amount.as_tuple().exponent > BUDGET_MAX_DECIMALS:
        return None
    return format(amount, "f")


def slugify(text: str, limit: int = 60, default: str = "project") -> str:
    """``Forêts de Guyane : suivi!`` → ``forets-de-guyane-suivi`` (the conventions' slug pattern)."""
    ascii_text = unicodedata.normalize("NFKD", text[:1000]).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug.strip("-") or default
