"""The run configuration: defaults, the seed config, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config, ConfigError, config_from_dict, config_hash, load_config


def test_seed_config_equals_the_defaults(repo_root: Path) -> None:
    seed = load_config(repo_root / "configs" / "seed.toml")
    defaults = Config().rooted(repo_root)
    # the seed config spells out the defaults, plus a second keyness comparison
    assert seed.model_copy(update={"stats": defaults.stats}) == defaults
    assert [c.name for c in seed.stats.keyness] == ["comment_vs_blog_post", "abstract_vs_rest"]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"stats": {"windw": 3}}, "stats.windw: unknown key"),
        ({"nlp": {"batch_size": 0}}, "nlp.batch_size"),
        ({"nlp": {"batch_size": "many"}}, "nlp.batch_size"),
        ({"corpus": {"format": "docx"}}, "corpus.format"),
        ({"topics": {"k_min": 5, "k_max": 3}}, "topics"),
        ({"run": {"runner": "spark"}}, "run.runner"),
        ({"unknown_section": {}}, "unknown_section: unknown key"),
        ({"stats": {"keyness": [{"name": "x", "target": {}, "refrence": {}}]}}, "stats.keyness.refrence: unknown key"),
    ],
)
def test_bad_values_name_the_key(data: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        config_from_dict(data)


def test_bad_toml_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[corpus\nname = 'x'", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "absent.toml")


def test_json_round_trip_is_exact(tmp_path: Path) -> None:
    import json

    config = load_config(Path(__file__).resolve().parents[1] / "configs" / "seed.toml")
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config.as_dict()), encoding="utf-8")
    assert load_config(path) == config
    assert config_hash(load_config(path)) == config_hash(config)


def test_hash_changes_with_a_parameter() -> None:
    assert config_hash(Config()) != config_hash(config_from_dict({"stats": {"window": 4}}))


def test_relative_paths_resolve_against_the_config_files_folder(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "run.toml").write_text('[corpus]\npath = "texts"\n[output]\nreports_dir = "/abs/reports"\n')
    monkeypatch.chdir(tmp_path)  # anywhere else
    config = load_config(folder / "run.toml")
    assert config.corpus.path == folder.resolve() / "texts"
    assert config.output.reports_dir == Path("/abs/reports")
    assert config.output.processed_dir == folder.resolve() / "data" / "processed"
    assert config.relative_to(folder).corpus.path == Path("texts")


def test_markdown_is_a_format_the_config_accepts() -> None:
    """ingest reads Markdown, so corpus.format = "markdown" must validate (it used to be refused)."""
    from typing import get_args

    from pipeline.config import CorpusFormat
    from pipeline.ingest.documents import FORMATS

    assert config_from_dict({"corpus": {"format": "markdown"}}).corpus.format == "markdown"
    assert set(get_args(CorpusFormat)) == {"auto", *FORMATS}


def test_every_parameter_is_explained() -> None:
    from pipeline.config import explain

    rows = explain()
    assert len({key for key, *_ in rows}) == len(rows) > 60
    for key, value, default, description in rows:
        assert description and "\n" not in description, key
        assert value == default, key


def test_booleans_are_not_coerced_from_strings() -> None:
    with pytest.raises(ConfigError, match=r"topics\.include_nmf"):
        config_from_dict({"topics": {"include_nmf": "no"}})
