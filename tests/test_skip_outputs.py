"""`kg build --skip`: outputs a big corpus may not want are not written, an earlier build's are
removed, and every other file has the bytes of a full build."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.run.outputs import OUTPUT_FILES, SKIPPABLE
from tests.conftest import SAMPLES


@pytest.mark.parametrize("skip", [("jsonld", "trig"), ("graphml", "gexf", "view"), tuple(SKIPPABLE), ("view",)])
def test_skipped_outputs_are_gone_and_the_others_are_a_full_builds(tmp_path, sample_out, skip):
    out = tmp_path / "out"
    shutil.copytree(sample_out, out)  # an earlier, full build in OUT
    result = CliRunner().invoke(cli, ["build", str(SAMPLES), "-o", str(out), "--skip", ",".join(skip), "-q"])
    assert result.exit_code == 0, result.output
    left_out = {SKIPPABLE[name] for name in skip}
    for name in OUTPUT_FILES:
        if name in left_out:
            assert not (out / name).exists(), name
        elif name != "report.json":
            assert (out / name).read_bytes() == (sample_out / name).read_bytes(), name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    full = json.loads((sample_out / "report.json").read_text(encoding="utf-8"))
    assert report.pop("outputs_skipped") == sorted(skip)
    assert report == full


def test_an_unknown_output_or_a_skip_without_out_is_refused(tmp_path):
    runner = CliRunner()
    unknown = runner.invoke(cli, ["build", str(SAMPLES), "-o", str(tmp_path / "o"), "--skip", "trig,nq"])
    assert unknown.exit_code == 2 and "nq: not an output that can be left out" in unknown.stderr
    assert not (tmp_path / "o").exists()
    store_only = runner.invoke(cli, ["build", str(SAMPLES), "--store", str(tmp_path / "s"), "--skip", "view"])
    assert store_only.exit_code == 2 and "--skip goes with -o OUT" in store_only.stderr
