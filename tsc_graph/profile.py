"""The node profile: what makes a tsc-graph deployment one Party's node (``node.toml``, docs/new-node.md).

Why a file of its own, beside the ``TSC_*`` settings: the country, the node's names, its base URI, its languages
and which data directories it loads are facts about the node, shared by ``make load``, ``make serve``,
``tsc-graph validate`` and the server, and written once by ``tsc-graph init``; the ``TSC_*`` variables stay the
knobs of one running process. Precedence: a command-line option, then a ``TSC_*`` variable, then the profile,
then the built-in default (the French node, which the shipped ``node.toml`` describes).

Relative paths in a profile are read from the profile's own directory, so a profile written by
``tsc-graph init --dir data/co`` (``data = ["."]``) works from wherever it is used.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import REFERENCE_DIR
from .errors import BadInput
from .namespaces import TSCV_COUNTRY

COUNTRIES_FILE = REFERENCE_DIR / "countries.ttl"
_EMAIL = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_KNOWN = {"country", "name", "base_uri", "public_url", "languages", "data", "registry", "logo", "contact"}


@dataclass
class NodeProfile:
    #: The profile file itself.
    path: Path
    #: ISO 3166-1 alpha-2 code of the Party, upper case (one of tsc_graph/reference/countries.ttl).
    country: str
    #: The node's name, language tag → name (at least one, in the default language).
    name: dict[str, str]
    #: Canonical base of the node's URIs (``https://…/``, ends with a slash).
    base_uri: str
    #: The server's public address; empty: the address ``tsc-graph serve`` binds.
    public_url: str
    #: The node's languages, the first the default (BCP 47 tags Babel knows).
    languages: list[str]
    #: Directories (or files) of the node's own records, loaded by ``make load``.
    data: list[Path] = field(default_factory=list)
    #: The network registry (the nodes this node knows, itself included).
    registry: Path | None = None
    #: Optional logo image.
    logo: Path | None = None
    #: Optional contact e-mail address.
    contact: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> "NodeProfile":
        return load(path)

    def load_args(self) -> list[str]:
        """What ``tsc-graph load`` without paths loads after the shipped ontology and reference vocabularies: the data
        directories, then the registry unless it is already under one of them."""
        out = [_shown(p) for p in self.data]
        if self.registry is not None and not any(_under(self.registry, d) for d in self.data):
            out.append(_shown(self.registry))
        return out


def _shown(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p.resolve())


def _under(p: Path, d: Path) -> bool:
    p, d = p.resolve(), d.resolve()
    return p == d or d in p.parents


def load(path: str | Path) -> NodeProfile:
    """Read and check a profile; BadInput names the file and the field at fault."""
    path = Path(path)
    where = path.name if path.parent == Path(".") else str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{where}: no such profile (tsc-graph init writes one; docs/new-node.md)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"{where}: cannot read the profile: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"{where}: not TOML: {e}") from None

    def bad(name: str, why: str) -> BadInput:
        return BadInput(f"{where}: {name}: {why}")

    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        raise bad(unknown[0], f"unknown field (known: {', '.join(sorted(_KNOWN))})")
    for required in ("country", "name", "base_uri", "languages", "data", "registry"):
        if required not in raw:
            raise bad(required, "missing")
    base = path.parent

    country = raw["country"]
    if not isinstance(country, str):
        raise bad("country", "must be a string, an ISO 3166-1 alpha-2 code such as \"FR\"")
    country = check_country(country, lambda why: bad("country", why))

    languages = raw["languages"]
    if not isinstance(languages, list) or not languages or not all(isinstance(t, str) for t in languages):
        raise bad("languages", "must be a non-empty list of language tags, the default first: [\"fr\", \"en\"]")
    languages = [check_language(t, lambda why: bad("languages", why)) for t in languages]
    if len(set(languages)) != len(languages):
        raise bad("languages", "a language is listed twice")

    name = raw["name"]
    if not isinstance(name, dict) or not name or not all(isinstance(v, str) and v.strip() for v in name.values()):
        raise bad("name", "must be a table of non-empty names by language: name = { fr = \"…\", en = \"…\" }")
    for tag in name:
        check_language(tag, lambda why: bad(f"name.{tag}", why))
    if languages[0] not in name:
        raise bad("name", f"no name in the default language {languages[0]!r} (the first of languages)")

    base_uri = check_base_uri(raw["base_uri"], lambda why: bad("base_uri", why))
    public_url = raw.get("public_url", "")
    if not isinstance(public_url, str):
        raise bad("public_url", "must be a string")
    if public_url:
        public_url = check_base_uri(public_url, lambda why: bad("public_url", why))

    data = raw["data"]
    if not isinstance(data, list) or not data or not all(isinstance(d, str) and d for d in data):
        raise bad("data", "must be a non-empty list of directories: data = [\"data/fr\"]")
    dirs = []
    for d in data:
        p = base / d
        if not p.exists():
            raise bad("data", f"{d!r}: no such directory (read from {_shown(base)})")
        dirs.append(p)

    def one_file(key: str, optional: bool) -> Path | None:
        value = raw.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value:
            raise bad(key, "must be a file path")
        p = base / value
        if not p.is_file():
            raise bad(key, f"{value!r}: no such file (read from {_shown(base)})")
        return p

    registry = one_file("registry", optional=False)
    logo = one_file("logo", optional=True)
    contact = raw.get("contact")
    if contact is not None:
        if not isinstance(contact, str) or not _EMAIL.match(contact):
            raise bad("contact", f"{contact!r} is not an e-mail address")
    return NodeProfile(path=path, country=country, name=dict(name), base_uri=base_uri, public_url=public_url,
                       languages=languages, data=dirs, registry=registry, logo=logo, contact=contact or None)


def check_country(code: str, error) -> str:
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        return _raise(error(f"{code!r} is not an ISO 3166-1 alpha-2 code (two letters, such as \"FR\")"))
    if code not in country_labels():
        return _raise(error(f"{code!r} is not a country of tsc_graph/reference/countries.ttl"))
    return code


def check_language(tag: str, error) -> str:
    """A BCP 47 tag (``es``, ``pt-BR``) whose locale Babel (CLDR) knows."""
    from babel import Locale, UnknownLocaleError

    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag or ""):
        return _raise(error(f"{tag!r} is not a language tag Babel knows"))
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return _raise(error(f"{tag!r} is not a language tag Babel knows"))
    lang, _sep, rest = tag.partition("-")
    return lang.lower() + (f"-{rest}" if rest else "")


def check_base_uri(value, error) -> str:
    if not isinstance(value, str) or not value.strip():
        return _raise(error("is empty: give the node's base URI, such as \"https://fr.chm-cbd.net/tsc/\""))
    if not re.fullmatch(r"https?://[^\s/?#<>\"]+(/[^\s?#<>\"]*)?", value):
        return _raise(error(f"{value!r} is not an http(s) address such as \"https://fr.chm-cbd.net/tsc/\""))
    if not value.endswith("/"):
        return _raise(error(f"{value!r} must end with a slash (/)"))
    return value


def _raise(e: Exception):
    raise e


@lru_cache(maxsize=1)
def country_labels() -> dict[str, dict[str, str]]:
    """ISO code → language → common name (rdfs:label), from tsc_graph/reference/countries.ttl."""
    import pyoxigraph as ox

    out: dict[str, dict[str, str]] = {}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    notation = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
    with open(COUNTRIES_FILE, "rb") as f:
        triples = list(ox.parse(f, ox.RdfFormat.TURTLE))
    codes = {t.subject.value: t.object.value for t in triples
             if t.predicate == notation and t.subject.value.startswith(TSCV_COUNTRY)}
    for code in codes.values():
        out.setdefault(code, {})
    for t in triples:
        if t.predicate == label and t.subject.value in codes and isinstance(t.object, ox.Literal) and t.object.language:
            out[codes[t.subject.value]][t.object.language] = t.object.value
    return out


def country_name(code: str, lang: str) -> str:
    """The country's name in ``lang``: the reference data's, else CLDR's (Babel), else the English one."""
    from babel import Locale

    labels = country_labels().get(code, {})
    primary = lang.split("-")[0]
    if lang in labels or primary in labels:
        return labels.get(lang) or labels[primary]
    try:
        name = Locale.parse(lang, sep="-").territories.get(code)
    except Exception:  # noqa: BLE001 - any Babel failure: fall back to English
        name = None
    return name or labels.get("en") or code
