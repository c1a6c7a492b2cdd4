"""Interoperability with the CBD clearing-house (CHM): its JSON records and thesaurus, as RDF and back.

Why a package of its own: national CHM sites (Bioland) and the Secretariat's clearing-house keep their data as
JSON records and a JSON thesaurus, with no RDF or SPARQL. Importing them makes a node useful on day one with the
data curators already have; exporting gives it back in the shape they already use.

* :mod:`.mapping` — the one declarative table (record type → field → RDF), used by import AND export.
* :mod:`.terms` — thesaurus identifiers (GBF-TARGET-06, CBD-SUBJECT-IAS, ``fr``…) ↔ our SKOS concepts.
* :mod:`.reader` — reading JSON files (records, record lists, thesaurus dumps) with precise error positions.
* :mod:`.importer` / :mod:`.thesaurus` / :mod:`.exporter` — the conversions; :mod:`.report` — what curators read.
"""
from __future__ import annotations

#: Default base of the source-record IRIs (the Secretariat's document API); ``--source-base`` overrides it.
DEFAULT_SOURCE_BASE = "https://api.cbd.int/api/v2013/documents/"
