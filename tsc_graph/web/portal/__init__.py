"""The portal: pages for people on top of the linked-data publisher (visitors read pages, not RDF).

Pages are data (``sections.py``: listings and the page profile of each class), rendered by a few templates
(``templates/portal/``) from portal queries (``tsc_graph/sparql/portal/*.rq``) run through the store interface and its
query workers. Languages, dates and numbers go through Flask-Babel (``i18n.py``, ``tsc_graph/web/translations/``).
See docs/server.md, "The portal".
"""
from __future__ import annotations

from flask import Flask

from .. import uris
from . import formatting, i18n
from .cache import StoreCache


def init_app(app: Flask) -> None:
    """Register the portal (call after the store is in ``app.extensions``, before the catch-all resources)."""
    from . import views

    i18n.init_app(app)
    settings = app.config["TSC_SETTINGS"]
    app.extensions["tsc_portal_cache"] = StoreCache(max_entries=settings.portal_cache_entries,
                                                    recheck=float(app.config.get("PORTAL_CACHE_RECHECK", 5.0)))
    # safe_href: a URL from data becomes a link only when it is a local path, http(s) or mailto (never javascript:)
    app.jinja_env.filters.update(date=formatting.as_date, money=formatting.as_money, number=formatting.as_number,
                                 safe_href=uris.href, abbreviations=formatting.with_abbreviations,
                                 inlang=i18n.in_language)
    # a data label in another language than the page's declares it: <a{{ lang_attrs(label) }}>, {{ label|inlang }}
    app.jinja_env.globals.update(lang_attrs=i18n.lang_attributes, tag_attrs=i18n.tag_attributes)
    app.register_blueprint(views.bp)
