"""Settings.from_env: each TSC_* variable read as its field's type, a wrong one refused by name."""
from __future__ import annotations

import pytest

from tsc_graph.config import Settings
from tsc_graph.errors import BadInput


def test_values_take_their_fields_types():
    s = Settings.from_env({"TSC_QUERY_WORKERS": "3", "TSC_QUERY_TIMEOUT": "2.5", "TSC_LANGUAGES": "en  fr",
                           "TSC_TIMEZONE": "Europe/Paris", "TSC_SECRET_KEY": "k" * 64})
    assert (s.query_workers, s.query_timeout, s.languages, s.timezone) == (3, 2.5, ["en", "fr"], "Europe/Paris")
    assert s.secret_key == "k" * 64 and "k" * 64 not in repr(s)


@pytest.mark.parametrize("name, raw, message", [
    ("TSC_QUERY_WORKERS", "two", "TSC_QUERY_WORKERS: 'two' is not a whole number"),
    ("TSC_SMTP_PORT", "25.0", "TSC_SMTP_PORT: '25.0' is not a whole number"),
    ("TSC_QUERY_TIMEOUT", "30s", "TSC_QUERY_TIMEOUT: '30s' is not a number"),
])
def test_a_wrong_value_names_its_variable(name, raw, message):
    with pytest.raises(BadInput) as caught:
        Settings.from_env({name: raw})
    assert str(caught.value) == message


def test_every_field_type_has_a_reader():
    """A field of a new type fails here, not at a deployment's start."""
    env = {f"TSC_{name.upper()}": "1" for name in Settings.__dataclass_fields__ if name != "profile"}
    Settings.from_env(env)


def test_the_remote_stores_account_is_a_setting_its_password_kept_out_of_repr():
    s = Settings.from_env({"TSC_STORE_USER": "dba", "TSC_STORE_PASSWORD": "p" * 20, "TSC_ADMIN_TOKEN": "t" * 20,
                           "TSC_SMTP_PASSWORD": "m" * 20})
    assert s.store_credentials() == {"user": "dba", "password": "p" * 20}
    assert not any(secret * 20 in repr(s) for secret in "ptm")
    assert Settings.from_env({}).store_credentials() == {"user": "", "password": ""}  # anonymous, as before


def test_open_store_drops_the_account_for_the_embedded_store():
    """The server and the CLI pass the account whatever the spec; only a sparql: store takes it."""
    from tsc_graph.store import open_store

    with open_store("memory:", **Settings.from_env({"TSC_STORE_USER": "dba"}).store_credentials()) as store:
        assert store.graphs() == []


def test_the_curators_command_reads_its_file_from_the_settings(monkeypatch, tmp_path):
    from tsc_graph.cli import build_parser

    monkeypatch.setenv("TSC_CURATORS_FILE", str(tmp_path / "curators.toml"))
    assert build_parser(["curators", "list"]).parse_args(["curators", "list"]).file == str(tmp_path / "curators.toml")
