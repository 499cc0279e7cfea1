"""Settings come from FAQSANTE_* variables, typed and checked when read: a wrong value is refused at start."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.config import Settings
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
