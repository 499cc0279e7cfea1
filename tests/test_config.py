"""Settings come from FAQSANTE_* variables, typed and checked when read: a wrong value is refused at start."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.config import Settings, parse_origin
from faqsante.errors import FaqsanteError


def test_environment_variables_keep_their_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAQSANTE_DB", "sqlite:///x.db")
    monkeypatch.setenv("FAQSANTE_INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("FAQSANTE_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.0/8,")
    monkeypatch.setenv("FAQSANTE_RATE_ASK", "off")

    settings = Settings()

    assert (settings.db_url, settings.index_dir, settings.rate_ask) == ("sqlite:///x.db", tmp_path, "off")
    assert settings.trusted_proxies == ("10.0.0.1", "10.0.0.0/8")
    assert settings.model_copy(update={"embedder": "none"}).embedder == "none"
    assert settings.with_db("sqlite:///y.db").db_url == "sqlite:///y.db"


@pytest.mark.parametrize("rate", ["beaucoup", "120/fortnight", "0/minute", "-3/second"])
def test_a_malformed_rate_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, rate: str) -> None:
    monkeypatch.setenv("FAQSANTE_RATE_FEEDBACK", rate)

    with pytest.raises(FaqsanteError, match="FAQSANTE_RATE_FEEDBACK : limite de débit invalide"):
        Settings()


def test_the_command_line_says_which_setting_is_wrong_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQSANTE_RATE_ASK", "beaucoup")

    result = CliRunner().invoke(app, ["glossary"])

    assert result.exit_code == 1
    assert "FAQSANTE_RATE_ASK" in result.output and "Traceback" not in result.output


def test_widget_origins_are_read_as_browsers_write_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "FAQSANTE_WIDGET_ORIGINS",
        " https://Editeur.example/, http://localhost:8080,https://x.fr:443, https://éditeur.fr,",
    )

    assert Settings().widget_origins == (
        "https://editeur.example",
        "http://localhost:8080",
        "https://x.fr",  # a browser omits the default port
        "https://xn--diteur-9ua.fr",  # and writes a host in ASCII
    )


def test_no_widget_origin_by_default() -> None:
    assert Settings().widget_origins == ()


@pytest.mark.parametrize(
    "origin",
    ["*", "null", "editeur.example", "https://editeur.example/faq", "ftp://editeur.example", "https://u:p@editeur.example",
     "https://editeur.example?x", "https://editeur.example:99999", "https://edi teur.example", "https://"],
)  # fmt: skip
def test_a_malformed_widget_origin_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, origin: str) -> None:
    monkeypatch.setenv("FAQSANTE_WIDGET_ORIGINS", f"https://editeur.example, {origin}")

    with pytest.raises(FaqsanteError, match="FAQSANTE_WIDGET_ORIGINS : origine invalide .* attendu une origine exacte"):
        Settings()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60) | st.from_regex(r"https?://[a-zA-Z0-9.\-\[\]:éÉ]{0,30}/?", fullmatch=True))
def test_an_origin_is_parsed_to_a_fixed_point_or_refused_in_french(text: str) -> None:
    try:
        origin = parse_origin(text)
    except ValueError as error:
        assert str(error).startswith("origine invalide")
        return
    assert parse_origin(origin) == origin and origin.isascii() and origin == origin.lower()
