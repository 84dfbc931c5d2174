"""notebooks/explore.ipynb runs from top to bottom (nbclient, the project's own Python kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


def test_explore_notebook_runs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Volodymyr Zelensky" in html  # the SPARQL table and the centrality table
    assert "<iframe srcdoc=" in html and "kg-data" in html  # the view, inline
    text = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "analysis.gexf" in text and "analysis.graphml" in text
    assert "Attack" in html and "statements" in html  # the flat tables, by type and month and by speaker
