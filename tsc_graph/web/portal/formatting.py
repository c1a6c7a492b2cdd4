"""Dates, numbers and amounts of money in the page's language, through Babel (Flask-Babel's locale)."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency as _babel_currency
from flask_babel import format_date, format_decimal, get_locale
from markupsafe import Markup, escape


def as_date(text: str) -> str:
    """``2021-01-01`` → « 1 janvier 2021 » / "January 1, 2021"; a month (xsd:gYearMonth ``2021-03``) → « mars 2021 »
    / "March 2021"; a year alone stays a year; else the text. Dates are as precise as their source."""
    try:
        if len(text) == 4 and text.isdigit():
            return text
        if len(text) == 7 and text[4] == "-":
            return format_date(date.fromisoformat(text + "-01"), format="LLLL y")
        return format_date(date.fromisoformat(text[:10]), format="long")
    except ValueError:
        return text


def as_money(amount: str, currency: str | None) -> str:
    """``2500000`` EUR → « 2 500 000 € » / "€2,500,000" (no decimals for whole amounts)."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    locale = get_locale()
    if not currency or len(currency) != 3:
        return format_decimal(value)
    pattern = locale.currency_formats["standard"].pattern
    if value == value.to_integral_value():
        pattern = pattern.replace(".00", "")
        return _babel_currency(value, currency.upper(), format=pattern, locale=locale, currency_digits=False)
    return _babel_currency(value, currency.upper(), locale=locale)


def as_number(n: int | str) -> str:
    try:
        return format_decimal(int(n))
    except (TypeError, ValueError):
        return str(n)


def as_datetime(timestamp: float | None, fmt: str = "medium") -> str:
    """Seconds since the epoch → « 3 déc. 2026, 14:05:12 » / "Dec 3, 2026, 2:05:12 PM" in the configured time
    zone (``BABEL_DEFAULT_TIMEZONE``, from ``TSC_TIMEZONE``); empty for None."""
    from datetime import datetime, timezone

    from flask_babel import format_datetime

    if timestamp is None:
        return ""
    return format_datetime(datetime.fromtimestamp(timestamp, timezone.utc), fmt)


#: Abbreviations our texts use (match explanations, example titles) and what they stand for, in each language.
ABBREVIATIONS = {"CMB": "Cadre mondial de la biodiversité", "GBF": "Global Biodiversity Framework",
                 "MMB": "Marco Mundial de Biodiversidad de Kunming-Montreal",
                 "ГРМБ": "Глобальная рамочная программа в области биоразнообразия"}
_ABBREVIATED = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")


def with_abbreviations(text: str) -> Markup:
    """The text, escaped, with « CMB » / "GBF" in an <abbr> that spells them out: a visitor who never met the
    acronym reads it on hover or through a screen reader, without a glossary."""
    return Markup(_ABBREVIATED.sub(lambda m: f'<abbr title="{ABBREVIATIONS[m.group(1)]}">{m.group(1)}</abbr>',
                                   str(escape(text))))
