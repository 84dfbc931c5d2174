"""Outputs that change together (kg.export.atomic): files written elsewhere moved into OUT at once."""

from __future__ import annotations

from kg.export.atomic import move_outputs


def test_outputs_written_elsewhere_move_into_out_together_over_the_old_ones(tmp_path):
    source, out = tmp_path / "written", tmp_path / "out"
    (source / "tables").mkdir(parents=True)
    (source / "graph.nq").write_text("new\n", encoding="utf-8")
    (source / "tables" / "events.csv").write_text("id\n", encoding="utf-8")
    (out / ".kg-outputs-dead.tmp").mkdir(parents=True)  # what a killed build left
    (out / "graph.nq").write_text("old\n", encoding="utf-8")
    (out / "notes.txt").write_text("the user's\n", encoding="utf-8")

    move_outputs(source, out)

    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == ["graph.nq", "notes.txt", "tables",
                                                                       "tables/events.csv"]
    assert (out / "graph.nq").read_text(encoding="utf-8") == "new\n"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the user's\n"
    assert not [p for p in source.rglob("*") if p.is_file()]
