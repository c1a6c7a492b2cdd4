"""Every page a visitor reaches, in each UI language, shows no UI string of another language.

A crawl from the home page (links followed on the same site, a few pages per kind of page, the forms, the desk's
sign-in and an error page added) for each of the six UN languages, on the French node's data with the language
first. On each page, no text a person reads may be another catalogue's wording of a message (the English message
id, or the French, Spanish… translation) where the page's own catalogue says something else: a missing or wrong
translation is what a visitor would read as "half the page in another language".

What is compared is each text node (and the attributes a person reads: ``title``, ``alt``, ``placeholder``,
``aria-label``), whole, after whitespace is normalised; a sentence of at least ``SUBSTRING_MIN`` characters is also
found inside a longer node (templates join several messages in one paragraph). Words that read the same in both
languages ("SPARQL", "Code", numbers, names) are no leak and are not counted. Text inside an element whose ``lang``
differs from the page's is declared to be in that language and is skipped with everything in it: a project's
French title on a Spanish page when it has no Spanish one, an ontology term's own English comment. Such a label
the data has only in other languages must be declared so: shown as a bare text node, it is reported too.
"""
from __future__ import annotations

import html
import re
import urllib.parse
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tsc_graph import PACKAGE_DIR
from tsc_graph.web import create_app

TRANSLATIONS = PACKAGE_DIR / "web" / "translations"
LANGUAGES = ("fr", "en", "es", "ar", "zh", "ru")
#: Pages a crawl from the home page may not link to, and every visitor can reach.
SEEDS = ("/", "/projects/submit", "/offers/submit", "/requests/submit", "/practices/submit", "/desk/login",
         "/no-such-page", "/search?q=eau", "/projects?q=zzzz-nothing")
MAX_PAGES = 110
PER_KIND = 3  # pages of one kind (e.g. /id/project/…): the template is the same, the data differs
SUBSTRING_MIN = 40  # shorter strings are only a leak as a whole text node: inside a title they may be its words
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
NUMERIC = {"%(n)s", "%(num)s", "%(count)s", "%(score)s", "%(best)s", "%(total)s", "%d", "%(n)d", "%(num)d"}
READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
SKIPPED = {"script", "style", "pre", "code", "textarea", "template"}  # code, queries, what a visitor typed
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def normalised(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=None)
def translations(lang: str) -> dict[str, tuple[str, ...]]:
    """Message id → the forms a page in ``lang`` shows for it (the id itself for English or an untranslated one)."""
    path = TRANSLATIONS / ("messages.pot" if lang == "en" else f"{lang}/LC_MESSAGES/messages.po")
    with path.open("rb") as f:
        messages = [m for m in read_po(f) if m.id]
    out = {}
    for m in messages:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if lang == "en" or not any(strings):
            strings = ids
        out[ids[0]] = tuple(normalised(s) for s in strings if s)
    return out


@lru_cache(maxsize=None)
def foreign_strings(lang: str) -> dict[str, str]:
    """Strings a page in ``lang`` must not show → the language they belong to.

    A form of language X is foreign only where ``lang``'s own catalogue says something else for the same message,
    and where no message of ``lang`` reads that way either (the same word for two messages is the page's word)."""
    own = translations(lang)
    own_strings = {s for forms in own.values() for s in forms}
    found: dict[str, str] = {}
    for other in LANGUAGES:
        if other == lang:
            continue
        for msgid, forms in translations(other).items():
            mine = own.get(msgid, ())
            for s in forms:
                if s not in mine and s not in own_strings and PLACEHOLDER.sub("", s).strip(" :.,;—-()«»"):
                    found.setdefault(s, other)
    return found


@lru_cache(maxsize=None)
def matchers(lang: str) -> tuple[dict[str, str], list[tuple[re.Pattern, str, str]], list[tuple[str, str]]]:
    """(exact strings, whole-node patterns of strings with placeholders, long pieces to find inside a node)."""
    exact, patterns, pieces = {}, [], []
    for s, other in foreign_strings(lang).items():
        parts = PLACEHOLDER.split(s)
        if len(parts) == 1:
            exact[s] = other
        else:  # a number fills a numeric placeholder ("Article %(n)s" is not "Article 18: Technology transfer")
            fills = [r"\d[\d\s.,]*" if ph in NUMERIC else ".+?" for ph in PLACEHOLDER.findall(s)]
            pattern = re.escape(parts[0]) + "".join(f + re.escape(p) for f, p in zip(fills, parts[1:]))
            patterns.append((re.compile(pattern), s, other))
        pieces += [(p.strip(), other) for p in parts if len(p.strip()) >= SUBSTRING_MIN]
    return exact, patterns, pieces


class _Reader(HTMLParser):
    """The text nodes a person reads on a page in ``lang``, leaving out other-language elements and code."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang, self.stack, self.nodes, self.buffer = lang, [], [], []

    def _hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def _flush(self) -> None:
        text = normalised("".join(self.buffer))
        self.buffer = []
        if text and not self._hidden():
            self.nodes.append(text)

    def handle_starttag(self, tag, attrs):
        self._flush()
        a = dict(attrs)
        declared = (a.get("lang") or "").split("-")[0].lower()
        skip = (tag in SKIPPED or bool(declared and declared != self.lang)
                or (tag == "section" and "data-links" in (a.get("class") or "").split()))
        if not skip and not self._hidden():
            self.nodes += [normalised(a[k]) for k in READ_ATTRIBUTES if a.get(k)]
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self.nodes.append(normalised(a["value"]))
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        self._flush()
        if any(t == tag for t, _skip in self.stack):  # close up to it: an unclosed <p> or <li> ends with its parent
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        self.buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def text_nodes(body: str, lang: str) -> list[str]:
    reader = _Reader(lang)
    reader.feed(body)
    reader.close()
    return reader.nodes


def leaks(nodes: list[str], lang: str) -> list[str]:
    """The other languages' strings among the nodes, each with its language."""
    exact, patterns, pieces = matchers(lang)
    found = []
    for node in nodes:
        if node in exact:
            found.append(f"{node!r} ({exact[node]})")
            continue
        found += [f"{s!r} ({other})" for p, s, other in patterns if p.fullmatch(node)]
        found += [f"{piece!r} in {node[:80]!r} ({other})" for piece, other in pieces if piece in node and piece != node]
    return found


def kind_of(path: str) -> str:
    """Pages rendered by the same template with other data: /id/project/a and /id/project/b are one kind."""
    parsed = urllib.parse.urlsplit(path)
    parts = parsed.path.strip("/").split("/")
    if parts and parts[0] in ("id", "vocab") and len(parts) >= 3:
        return "/".join(parts[:2]) + "/*"
    return parsed.path + ("?" + ",".join(sorted(urllib.parse.parse_qs(parsed.query))) if parsed.query else "")


def links(body: str) -> list[str]:
    out = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', body):
        href = html.unescape(href)
        if not href.startswith("/") or href.startswith("//"):
            continue
        path, query = urllib.parse.urlsplit(href)[2:4]
        if "lang" in urllib.parse.parse_qs(query):  # the language switcher: another language's page
            continue
        if re.search(r"\.(ttl|nt|nq|jsonld|json|rdf|xml|csv|gz|trig|rq|txt|png|svg|js|css)$", path) or \
                path.startswith(("/static/", "/sparql", "/api/", "/dataset", "/void", "/changes", "/desk/")):
            continue
        out.append(href)
    return out


def crawl(client, lang: str) -> dict[str, list[str]]:
    """Path → the text nodes of the pages a visitor reaches, breadth first, bounded in count and per kind."""
    headers = {"Accept": "text/html", "Accept-Language": lang}
    todo, seen, per_kind, pages = list(SEEDS), set(SEEDS), Counter(), {}
    while todo and len(pages) < MAX_PAGES:
        path = todo.pop(0)
        kind = kind_of(path)
        if per_kind[kind] >= PER_KIND:
            continue
        per_kind[kind] += 1
        r = client.get(path, headers=headers, follow_redirects=True)
        if not r.content_type.startswith("text/html"):
            continue
        body = r.get_data(as_text=True)
        assert f'<html lang="{lang}"' in body, (lang, path, r.status_code)
        pages[path] = text_nodes(body, lang)
        for href in links(body):
            if href not in seen:
                seen.add(href)
                todo.append(href)
    return pages


#: Labels the data has in another language than the page's, for resources with no such label in the page's.
FOREIGN_LABELS = """
SELECT DISTINCT ?label WHERE {
  GRAPH ?g { ?s ?p ?label }
  VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel>
              <http://purl.org/dc/terms/title> <http://schema.org/name> }
  FILTER(isLiteral(?label) && lang(?label) != "" && !langMatches(lang(?label), "%(lang)s"))
  FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?mine } FILTER(langMatches(lang(?mine), "%(lang)s")) }
}"""


def foreign_labels(client, lang: str) -> set[str]:
    """Labels a page in ``lang`` can only show in another language (ones that read like the page's own words,
    or codes under four characters, left out)."""
    r = client.get("/sparql", query_string={"query": FOREIGN_LABELS % {"lang": lang}},
                   headers={"Accept": "application/sparql-results+json"})
    own = {s for forms in translations(lang).values() for s in forms}
    found = {normalised(b["label"]["value"]) for b in r.get_json()["results"]["bindings"]}
    return {label for label in found if len(label) >= 4 and label not in own}


@pytest.fixture(scope="module")
def clients(french_memory_store):
    return {lang: create_app({"store": "memory:", "languages": [lang] + (["en"] if lang != "en" else ["fr"])},
                             store=french_memory_store).test_client() for lang in LANGUAGES}


@pytest.mark.slow  # six crawls of the portal: over half a minute in all
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_shows_a_ui_string_of_another_language(clients, lang):
    pages = crawl(clients[lang], lang)
    assert len(pages) >= 40, sorted(pages)  # the crawl reached the site, not only the seeds
    found = {path: hits[:5] for path, nodes in pages.items() if (hits := leaks(nodes, lang))}
    assert not found, f"{lang}: {len(found)} page(s) show another language's UI strings: {found}"
    # and a label the data has in another language only is shown declared in it (lang="…"), never as the page's
    labels = foreign_labels(clients[lang], lang)
    assert len(labels) > 5 or lang == "en", len(labels)  # the French node's data: many labels in French/English only
    found = {path: hits[:5] for path, nodes in pages.items() if (hits := sorted(set(nodes) & labels))}
    assert not found, f"{lang}: {len(found)} page(s) show data labels of another language undeclared: {found}"


def test_the_scan_finds_a_ui_string_of_another_language_and_skips_declared_text():
    """The scan itself: an English sentence on a Spanish page is found, whole or inside a paragraph when long;
    the same text inside an element declared English is not; a word both catalogues share is no leak."""
    english = next(m for m, forms in translations("en").items() if len(m) >= SUBSTRING_MIN
                   and not PLACEHOLDER.search(m) and translations("es").get(m) != forms)
    same = next(m for m, forms in translations("en").items()
                if translations("es").get(m) == forms and not PLACEHOLDER.search(m))  # "SPARQL", "CSV"…
    page = ('<html lang="es"><body><p>{0}</p><div>Hola. {0}</div><p lang="en">{0}</p>'
            '<p lang="en-GB"><span>{0}</span></p><p>{1}</p></body></html>').format(english, same)
    nodes = text_nodes(page, "es")
    assert nodes.count(english) == 1 and same in nodes
    assert len(leaks(nodes, "es")) == 2, leaks(nodes, "es")
    assert not leaks(text_nodes(page.replace("<p>", '<p lang="en">').replace("<div>", '<div lang="en">'), "es"), "es")
