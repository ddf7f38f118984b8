"""plugin.toml validation: a valid manifest parses; every bad field is named in the error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from studio.core.errors import UserError
from studio.plugins.manifest import parse_manifest, read_manifest, version_key

VALID = """
name = "good"
version = "1.2.0"
api_version = 1
description = "d"
license = "MIT"
author = "me"

[[generators]]
name = "good-gen"
entry = "pkg.mod:Factory"
title = "Good"

[[trackers]]
name = "good-track"
entry = "pkg.track:make"

[[weights]]
path = "weights/model.pt"
sha256 = "%s"
size = 10
""" % ("ab" * 32)


def _data(text: str = VALID) -> dict:
    return tomllib.loads(text)


def test_valid_manifest_parses_every_field() -> None:
    manifest = parse_manifest(_data())
    assert (manifest.name, manifest.version, manifest.api_version) == ("good", "1.2.0", 1)
    assert (manifest.description, manifest.license, manifest.author) == ("d", "MIT", "me")
    kinds = [(c.kind, c.name, c.entry, c.title) for c in manifest.contributions]
    assert kinds == [
        ("generator", "good-gen", "pkg.mod:Factory", "Good"),
        ("tracker", "good-track", "pkg.track:make", "good-track"),
    ]
    assert manifest.weights[0].path == "weights/model.pt"
    assert manifest.weights[0].size == 10


def _without(key: str) -> dict:
    data = _data()
    del data[key]
    return data


def _with(path: tuple, value: object) -> dict:
    data = _data()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_without("name"), "field 'name' is missing"),
        (_without("version"), "field 'version' is missing"),
        (_without("api_version"), "field 'api_version' is missing"),
        (_with(("name",), "Bad Name"), "field 'name'"),
        (_with(("name",), 3), "field 'name' must be a string"),
        (_with(("version",), "one"), "field 'version'"),
        (_with(("api_version",), "1"), "field 'api_version'"),
        (_with(("author",), 5), "field 'author' must be a string"),
        (_with(("generators", 0, "entry"), "no_colon"), "field 'generators[0].entry'"),
        (_with(("generators", 0, "entry"), "../x:y"), "field 'generators[0].entry'"),
        (_with(("trackers", 0, "name"), None), "field 'trackers[0].name'"),
        (_with(("generators",), {"name": "x"}), "field 'generators'"),
        (_with(("weights", 0, "sha256"), "xyz"), "field 'weights[0].sha256'"),
        (_with(("weights", 0, "size"), -1), "field 'weights[0].size'"),
        (_with(("weights", 0, "path"), "../outside.pt"), "field 'weights[0].path'"),
        (_with(("weights", 0, "path"), "/abs/model.pt"), "field 'weights[0].path'"),
    ],
)
def test_bad_field_is_named(data: dict, message: str) -> None:
    with pytest.raises(UserError, match=r"^plugin\.toml: ") as error:
        parse_manifest(data)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_weight_size_is_named() -> None:
    data = _data()
    del data["weights"][0]["size"]
    with pytest.raises(UserError, match=r"field 'weights\[0\]\.size' is missing"):
        parse_manifest(data)


def test_no_contributions_is_refused() -> None:
    data = _data()
    del data["generators"], data["trackers"]
    with pytest.raises(UserError, match="must offer one"):
        parse_manifest(data)


def test_repeated_contribution_is_refused() -> None:
    data = _data()
    data["generators"].append(dict(data["generators"][0]))
    with pytest.raises(UserError, match=r"generators\[1\]\.name.*repeats"):
        parse_manifest(data)


def test_unsupported_api_version_is_refused() -> None:
    with pytest.raises(UserError, match="API version 99.*supports 1"):
        parse_manifest(_with(("api_version",), 99))


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="plugin.toml is missing"):
        read_manifest(tmp_path)
    (tmp_path / "plugin.toml").write_text("name = \n")
    with pytest.raises(UserError, match="not valid TOML"):
        read_manifest(tmp_path)


def test_version_order() -> None:
    assert version_key("1.2") == version_key("1.2.0")
    assert version_key("1.10.0") > version_key("1.9.3")
