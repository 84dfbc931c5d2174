"""Inputs stay inside what the user gave: links, FIFOs and devices in an input folder are reported,
never followed out of it (unless asked) and never waited on; HTML dates come from metadata only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.ingest import Skipped, iter_files, read_inputs
from kg.ingest.readers import read_html, read_txt

STORY = "Harbour reopens\n\nThe harbour reopened after repairs, the port authority said on Tuesday.\n"


@pytest.fixture
def folder(tmp_path):
    inside = tmp_path / "in"
    inside.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (inside / "good.txt").write_text(STORY)
    (inside / "sub").mkdir()
    (inside / "sub" / "second.txt").write_text(STORY.replace("Tuesday", "Wednesday"))
    (inside / "alias.txt").symlink_to(inside / "sub" / "second.txt")  # a link inside the folder: fine
    (outside / "secret.txt").write_text("root:x:0:0:Root Person:/root:/bin/bash\n")
    (inside / "passwd.txt").symlink_to(outside / "secret.txt")
    (inside / "broken.txt").symlink_to(inside / "missing.txt")
    (inside / "loop.txt").symlink_to(inside / "loop.txt")
    (inside / "linked-folder").symlink_to(outside)  # a link to a folder is not entered
    os.mkfifo(inside / "pipe.txt")
    (inside / "null.txt").symlink_to("/dev/null")
    return inside


def _reasons(inputs) -> dict[str, str]:
    return {Path(s.source).name: s.reason for s in inputs.skipped}


def test_every_odd_path_is_skipped_with_its_reason(folder):
    inputs = read_inputs([folder])
    assert sorted(a.source.rsplit("/", 1)[-1] for a in inputs.articles) == ["good.txt", "second.txt"]
    reasons = _reasons(inputs)
    assert "outside the folder" in reasons["passwd.txt"] and "--follow-links" in reasons["passwd.txt"]
    assert reasons["broken.txt"].startswith("broken link")
    assert reasons["loop.txt"] == "link cycle"
    assert reasons["pipe.txt"] == "not a regular file (a FIFO)"
    assert "outside the folder" in reasons["null.txt"]
    assert reasons["alias.txt"].startswith("the same file as") and "second.txt" in reasons["alias.txt"]
    assert not any("secret" in a.source for a in inputs.articles)


def test_follow_links_follows_them_and_still_refuses_devices(folder):
    inputs = read_inputs([folder], follow_links=True)
    assert "passwd" in {a.key for a in inputs.articles}
    assert _reasons(inputs)["null.txt"] == "not a regular file (a device)"


def test_a_fifo_swapped_in_after_listing_is_refused_not_waited_on(tmp_path):
    path = tmp_path / "late.txt"
    os.mkfifo(path)  # as if the file had been replaced by a FIFO after the folder was listed
    results: list = []
    reader = threading.Thread(target=lambda: results.extend(read_txt(path)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert isinstance(results[0], Skipped) and results[0].reason == "not a regular file (a FIFO)"


def _listed_then(tmp_path, swap):
    """List a folder of one file, change the file with `swap`, then read it as a build would."""
    folder = tmp_path / "listed"
    folder.mkdir(parents=True)
    (folder / "story.txt").write_text(STORY)
    listed: dict = {}
    (path,) = iter_files([folder], listed=listed)
    swap(path)
    results: list = []
    reader = threading.Thread(target=lambda: results.extend(read_txt(path, listed[str(path)])), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a swapped file blocked"
    return results


def test_a_file_swapped_after_listing_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:Root Person:/root:/bin/bash\n")

    def to_link(path):
        path.unlink()
        path.symlink_to(secret)

    def to_other(path):
        other = path.with_name("other.tmp")
        other.write_text(STORY.replace("harbour", "airport"))
        other.replace(path)

    def to_fifo(path):
        path.unlink()
        os.mkfifo(path)

    (linked,) = _listed_then(tmp_path / "a", to_link)
    assert isinstance(linked, Skipped) and linked.reason.startswith("replaced by a link")
    (other,) = _listed_then(tmp_path / "b", to_other)
    assert isinstance(other, Skipped) and other.reason.startswith("replaced by another file")
    (fifo,) = _listed_then(tmp_path / "c", to_fifo)
    assert isinstance(fifo, Skipped) and fifo.reason == "not a regular file (a FIFO)"
    (kept,) = _listed_then(tmp_path / "d", lambda path: path.write_text(STORY.replace("Tuesday", "Friday")))
    assert not isinstance(kept, Skipped) and "Friday" in kept.text  # edited in place: the same file


def test_the_build_reports_every_skipped_path(folder, tmp_path):
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(folder), "-o", str(tmp_path / "out"), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    skipped = {Path(s["source"]).name: s["reason"] for s in report["skipped"]}
    for name in ("passwd.txt", "broken.txt", "loop.txt", "pipe.txt", "null.txt"):
        assert name in skipped, name
        assert f"{name}: " in done.stderr
    assert "Root Person" not in (tmp_path / "out" / "graph.nq").read_text()


PAGE = """<html><head><title>Harbour reopens</title>{meta}<script>var built = "2011"; var day = "2011-05-04";</script></head>
<body><article><h1>Harbour reopens</h1><p>The harbour in the town reopened after repairs, officials said on the
quay. Ships were loading grain again by the evening and the port authority expected more traffic next week.</p>
<p>Workers repaired two cranes and a berth that a storm had damaged, the harbour master said.</p></article>
<footer>&copy; 2019 Example News. All rights reserved.</footer></body></html>"""


def test_html_dates_come_from_the_page_metadata_only(tmp_path):
    bare = tmp_path / "bare.html"
    bare.write_text(PAGE.format(meta=""))
    (article,) = read_html(bare)
    assert article.published is None, "a year from a script or a copyright footer is not a publication date"
    dated = tmp_path / "dated.html"
    dated.write_text(PAGE.format(meta='<meta property="article:published_time" content="2024-03-02T10:00:00Z">'))
    (article,) = read_html(dated)
    assert article.published == "2024-03-02"


@pytest.mark.parametrize("head, body, expected", [
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
     '"headline": "Harbour reopens", "datePublished": "2023-07-14T08:00:00Z"}</script>', "", "2023-07-14"),
    ('<meta itemprop="datePublished" content="2022-11-05">', "", "2022-11-05"),
    ("", '<time datetime="2021-09-30" class="published">30 September 2021</time>', "2021-09-30"),
    ("", "<p>The old quay was last rebuilt on 4 May 2011, the harbour master recalled.</p>", None),
])
def test_html_date_sources(tmp_path, head, body, expected):
    """JSON-LD, microdata and <time> are metadata; a date in the article's text is not."""
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(meta=head).replace("<h1>Harbour reopens</h1>", "<h1>Harbour reopens</h1>" + body))
    (article,) = read_html(page)
    assert article.published == expected


@pytest.mark.parametrize("names_at_once", [None, 2])
def test_a_folder_is_walked_in_the_order_of_its_paths_strings(tmp_path, monkeypatch, names_at_once):
    """Files are found one folder at a time (kg.ingest.walk) in the order sorting all their paths
    as strings gives ("a.txt" before "a/…", "a-b/…" before "a/…"), links after them; the same when
    a folder's names are sorted in runs on disk (2 at a time)."""
    if names_at_once:
        monkeypatch.setattr("kg.ingest.walk.NAMES_AT_ONCE", names_at_once)
    folder = tmp_path / "in"
    names = ["a.txt", "a/b.txt", "a-b/c.txt", "ab.txt", "A.txt", "a/a/a.txt", "a /x.txt", "\u00e9t\u00e9.txt",
             "z/y/x/w.html", "a.txt.d/f.txt", "b.jsonl"]
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(STORY)
    (folder / "notes.csv").write_text("x")
    (folder / "0-link.txt").symlink_to(folder / "ab.txt")
    (folder / "linked-folder").symlink_to(folder / "a", target_is_directory=True)  # not entered
    found = list(iter_files([folder]))
    expected = sorted(str(folder / name) for name in names)
    assert [str(p) for p in found[:-1]] == expected
    assert isinstance(found[-1], Skipped) and found[-1].source.endswith("0-link.txt")
    assert "the same file as" in found[-1].reason


def test_walking_a_folder_holds_no_memory_per_file(tmp_path):
    """5 x the files in a folder tree hold about the same Python memory while walked: one folder's
    names at a time, and which files were reached on disk (a few hundred bytes a file, before). What
    each file was when found is taken by its reader (kg.ingest `_read_all`), as here. A first walk
    is not measured: pathlib interns each name, and the interpreter's table of interned strings may
    grow once (a few MB at a time) whatever walks."""
    import tracemalloc

    folders = {count: tmp_path / f"f{count}" for count in (1_000, 5_000)}
    for count, folder in folders.items():
        for i in range(count):
            sub = folder / f"day-{i % 20:02d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"report-{i:06d}.txt").write_text("x")

    def walked(folder):
        listed: dict = {}
        return sum(1 for path in iter_files([folder], listed=listed) if listed.pop(str(path)))  # as read

    assert walked(folders[5_000]) == 5_000
    peaks = []
    for count, folder in folders.items():
        tracemalloc.start()
        assert walked(folder) == count
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] + 300_000, peaks  # 4,000 more files: < 0.3 MB more (~2.5 MB before)


def test_walking_a_flat_folder_holds_a_run_of_names(tmp_path, monkeypatch):
    """One folder of 5 x the files holds about the same Python memory while walked: its names are
    sorted in runs on disk (here 500 at a time, read back 50 at a time), not held all at once."""
    import tracemalloc

    monkeypatch.setattr("kg.ingest.walk.NAMES_AT_ONCE", 500, raising=False)
    monkeypatch.setattr("kg.util.extsort._BATCH", 50)
    folders = {count: tmp_path / f"f{count}" for count in (1_000, 5_000)}
    for count, folder in folders.items():
        folder.mkdir()
        for i in range(count):
            (folder / f"report-{(i * 7919) % count:06d}.txt").write_text("x")

    def walked(folder):
        listed: dict = {}
        count, last, in_order = 0, "", True
        for path in iter_files([folder], listed=listed):
            listed.pop(str(path))  # as read
            count, last, in_order = count + 1, str(path), in_order and last < str(path)
        return count, in_order

    assert walked(folders[5_000]) == (5_000, True)
    peaks = []
    for count, folder in folders.items():
        tracemalloc.start()
        assert walked(folder) == (count, True)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] + 300_000, peaks  # 4,000 more names: < 0.3 MB more


def test_a_folder_that_cannot_be_listed_is_passed_over_but_a_full_disk_is_an_error(tmp_path, monkeypatch):
    """As os.walk does, a subfolder that cannot be listed gives no files (root lists any folder: its
    listing is made to fail). Writing a big folder's sorted names to disk is another matter: an
    error there stops the walk rather than leave the folder's files out unsaid."""
    import errno

    import kg.ingest.walk as walk

    folder = tmp_path / "in"
    for name in ("a.txt", "locked/b.txt", "c/d.txt", "c/e.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(STORY)
    scandir = os.scandir

    def failing_scandir(path):  # (os.scandir is also called with file descriptors, by shutil.rmtree)
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(walk.os, "scandir", failing_scandir)
    assert [p.relative_to(folder).as_posix() for p in iter_files([folder])] == ["a.txt", "c/d.txt", "c/e.txt"]

    def full_disk(run, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(walk, "NAMES_AT_ONCE", 1)
    monkeypatch.setattr("kg.util.extsort._spilled", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        list(iter_files([folder]))
