"""The main job: everything a user needs, written into one output folder, atomically.

Steps run into a temporary sibling folder; only when all succeed is it swapped in for the old
output, so a failed build (bad syntax, a violation) leaves the last good output untouched.
A step whose inputs (the loaded files, the saved queries, the package's own code) are unchanged
since the last build copies its folder from that build instead of writing it again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from rich.console import Console

from kg import __version__, answers
from kg.build_record import fingerprint, last_build
from kg.catalogue import catalogue
from kg.errors import ValidationFailed
from kg.export import DUMP_NAME, FORMATS, CanonicalDump
from kg.load import KnowledgeGraph, load
from kg.processes import alive
from kg.progress import SILENT, Reporter
from kg.query import run_saved
from kg.resources import package_file
from kg.validate import curator_checks, validate

if TYPE_CHECKING:
    from kg.network import Published

T = TypeVar("T")

UNCHANGED = "kept from the last build"
#: Said on the index page when the diagrams were built without their static images.
IMAGES_HINT = (
    "PNG and SVG images of every diagram: kg build --images; of one diagram: kg network --png FILE --svg FILE"
)


@dataclass
class Output:
    """What a build wrote, for the index page: (section, title, relative path) per file, and notes.

    A note is (section, text, the step's folder), so that a step kept from the last build keeps it.
    """

    folder: Path
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, section: str, title: str, path: Path) -> None:
        self.entries.append((section, title, path.relative_to(self.folder).as_posix()))

    def note(self, section: str, text: str, folder: Path) -> None:
        self.notes.append((section, text, folder.relative_to(self.folder).as_posix()))


def write_dumps(graph: KnowledgeGraph, out: Output) -> BackgroundJsonLd:
    """Every dump but JSON-LD now; JSON-LD goes on beside the next steps (``wait()`` waits for it)."""
    folder = out.folder / "dumps"
    folder.mkdir()
    dump = CanonicalDump(graph)
    for fmt, (_, suffix, _) in FORMATS.items():
        path = folder / f"{DUMP_NAME}.{suffix}"
        out.add("Dumps", fmt, path)
        if fmt != BackgroundJsonLd.FORMAT:
            with path.open("wb") as output:
                dump.write(fmt, output)
    return BackgroundJsonLd(dump, folder / f"{DUMP_NAME}.{FORMATS[BackgroundJsonLd.FORMAT][1]}")


class Beside(Generic[T]):
    """Work that runs beside the build's next steps: a thread that feeds worker processes.

    The workers run at a lower priority (kg.processes.process_pool), so the build's own steps, which
    it waits for, keep their core. :meth:`cancel` kills the workers at once (the build failed and
    nothing they would write is kept); :meth:`wait` returns the work's result or raises its error.
    The thread is a daemon: a build stopped by an error or Ctrl-C ends at once rather than after
    what the thread cannot leave half-way (projecting the network at 10⁴ case studies: 14 s).
    """

    def __init__(self, workers: int, work: Callable[[Executor], T]) -> None:
        import threading
        from concurrent.futures import Future

        from kg.processes import process_pool

        self.started = time.perf_counter()
        self._workers = process_pool(workers, background=True)  # each started when first given work
        self._future: Future[T] = Future()
        threading.Thread(target=self._run, args=(work,), name="kg-build-beside", daemon=True).start()

    def _run(self, work: Callable[[Executor], T]) -> None:
        try:
            self._future.set_result(work(self._workers))
        except BaseException as err:  # handed to wait(); after cancel(), nobody asks for it
            self._future.set_exception(err)

    def cancel(self) -> None:
        from kg.processes import kill

        kill(self._workers)

    def wait(self) -> T:
        try:
            return self._future.result()
        finally:
            self._workers.shutdown(cancel_futures=True)


class BackgroundJsonLd(Beside[None]):
    """The JSON-LD dump, written while the saved queries and gap map run.

    Compacting JSON-LD is rdflib's work in Python, done by worker processes: about half the dumps'
    time at 10⁴ case studies, during which the build itself would only wait.
    """

    FORMAT = "jsonld"

    def __init__(self, dump: CanonicalDump, path: Path) -> None:
        def write(workers: Executor) -> None:
            with path.open("wb") as output:
                dump.write(self.FORMAT, output, workers)

        super().__init__(os.cpu_count() or 1, write)


def write_query_answers(graph: KnowledgeGraph, out: Output, reporter: Reporter = SILENT) -> None:
    """Each saved query's answer with its default parameters, as CSV, JSON and the TSV read a page
    at a time (kg.answers); and as TSV in each other language the labels have, in a folder of its own."""
    folder = out.folder / "queries"
    folder.mkdir()
    languages = answers.label_languages(graph)
    for saved in reporter.track(catalogue().values(), "answered"):
        results = run_saved(graph, saved.name)
        for fmt in ("csv", "json", answers.SUFFIX):
            written = results.serialize(fmt)
            (folder / f"{saved.name}.{fmt}").write_bytes(written)
        # Counted as lines, one per row and one header, not as rows read into Python (a fifth of the step).
        rows = written.count(b"\n") - 1
        out.add("Saved queries", f"{saved.summary} ({rows} rows)", folder / f"{saved.name}.csv")
        lang = saved.parameter("lang")
        for language in languages if lang is not None else ():
            if language != (lang.default or "").lower():
                (folder / language).mkdir(exist_ok=True)
                written = run_saved(graph, saved.name, lang=language).serialize(answers.SUFFIX)
                (folder / language / f"{saved.name}.{answers.SUFFIX}").write_bytes(written)


def write_ontology_docs(graph: KnowledgeGraph, out: Output) -> None:
    from kg import ontology_docs

    folder = out.folder / "ontology"
    folder.mkdir()
    path = folder / "index.html"
    ontology_docs.write(graph, path)
    out.add("Model", "Ontology documentation", path)


def write_gap_map(graph: KnowledgeGraph, out: Output) -> None:
    from kg.gapmap import write_gapmap

    for path in write_gapmap(graph, out.folder / "gapmap"):
        out.add("Gap map", path.name, path)


class BackgroundDiagrams(Beside["Published"]):
    """The diagrams, drawn while the build validates and writes its other outputs.

    The network is projected by the thread (it needs the store; validation meanwhile mostly waits
    for its own workers) and drawn by one worker process: hundreds of diagrams are Python's work on
    one core. :meth:`finish` waits for the pages and lists them on the index.
    """

    def __init__(self, graph: KnowledgeGraph, out: Output, previous: Path, images: bool) -> None:
        from kg.network import diagrams, write_network
        from kg.network.projection import project

        self.out, self.images = out, images
        self.folder = out.folder / "network"

        def draw(workers: Executor) -> Published:
            workers.submit(diagrams.prepare)  # the worker starts and imports while the network is projected
            network, limit = project(graph), diagrams.EGO_DIAGRAM_LIMIT
            return workers.submit(
                write_network, network, self.folder, previous / "network", images, limit
            ).result()

        super().__init__(1, draw)

    def finish(self) -> None:
        """Wait for the pages and list them (and their notes) for the index."""
        published = self.wait()
        for title, path in published.files:
            self.out.add("Network diagrams", title, path)
        if published.note:
            self.out.note("Network diagrams", published.note, self.folder)
        if not self.images:
            self.out.note("Network diagrams", IMAGES_HINT, self.folder)


def write_index(out: Output) -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(package_file("templates")), autoescape=select_autoescape())
    sections: dict[str, list[tuple[str, str]]] = {}
    for section, title, href in out.entries:
        sections.setdefault(section, []).append((title, href))
    notes: dict[str, list[str]] = {}
    for section, text, _ in out.notes:
        notes.setdefault(section, []).append(text)
    html = env.get_template("index.html").render(sections=sections, notes=notes, version=__version__)
    (out.folder / "index.html").write_text(html, encoding="utf-8")


def _swap(built: Path, target: Path) -> None:
    """Put the new output in place; the old one is removed only after the new one is there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{time.time_ns()}")
        target.rename(old)
    built.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


#: Written into a build's scratch folder: the process building there, so that a later build can
#: tell a folder left by a killed build from one that another build is still writing.
OWNER = ".owner-pid"


def _scratch(target: Path) -> Path:
    """A fresh folder beside ``target`` to build in, with the permissions the umask gives."""
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)  # mkdtemp makes it 0700; a web server may run as another user
    (folder / OWNER).write_text(str(os.getpid()), encoding="utf-8")
    return folder


def remove_leftovers(target: Path) -> list[Path]:
    """Remove scratch and old folders that builds killed before their clean-up left beside ``target``."""
    removed = []
    for folder in target.parent.glob(f".{target.name}-*"):
        try:
            owner = int((folder / OWNER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            owner = None
        if folder.is_dir() and (owner is None or not alive(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in target.parent.glob(f".{target.name}.old-*"):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def build(
    target: Path,
    extra: Iterable[Path] = (),
    console: Console | None = None,
    quiet: bool = False,
    images: bool = False,
) -> Path:
    """Build everything into ``target``; returns it. Raises KGError (target untouched) on failure.

    Each step's ✓ line and the progress of long steps go to ``console`` (standard error by default);
    ``quiet`` keeps only errors. ``images`` adds a PNG and an SVG of every diagram, the build's slowest
    part by far, so it is asked for rather than done by default.
    """
    reporter = Reporter(console, quiet)
    console = reporter.console
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for folder in remove_leftovers(target):
        reporter.say(f"[dim]removed {folder.name}, left by a build that was stopped[/dim]")
    out = Output(_scratch(target))
    started = time.perf_counter()

    last = last_build(target)
    keys: dict[str, str] = {}

    def step(title: str, action: Callable[[], object]) -> object:
        with reporter.step(title):
            return action()

    def unchanged(key: str, name: str) -> bool:
        """Whether the last build wrote ``name`` from the same inputs (``key``) as this one."""
        return bool(last.get("keys", {}).get(key) == keys[key] and (target / name).exists())

    def reuse(title: str, folder: str) -> None:
        """Copy ``folder`` and its index entries from the last build."""
        shutil.copytree(target / folder, out.folder / folder)
        out.entries += [(e[0], e[1], e[2]) for e in last.get("entries", []) if e[2].startswith(folder + "/")]
        out.notes += [(n[0], n[1], n[2]) for n in last.get("notes", []) if n[2] == folder]
        reporter.say(f"[green]✓[/green] {title} [dim](inputs unchanged: {UNCHANGED})[/dim]")

    def reusable(title: str, key: str, folder: str, action: Callable[[], object]) -> None:
        """Run the step, or reuse ``folder`` from the last build if its key matches."""
        if unchanged(key, folder):
            reuse(title, folder)
        else:
            step(title, action)

    diagrams: BackgroundDiagrams | None = None
    jsonld: BackgroundJsonLd | None = None
    try:
        graph = step("load", lambda: load(extra))
        assert isinstance(graph, KnowledgeGraph)
        keys.update(data=fingerprint(graph), model=fingerprint(graph, ("ontology",)))
        keys["diagrams"] = keys["data"] + (" with images" if images else "")
        if not unchanged("diagrams", "network"):
            diagrams = BackgroundDiagrams(graph, out, target, images)  # drawn beside the next steps
        if unchanged("data", "validation.txt"):
            # The last build passed validation with exactly these inputs.
            shutil.copy2(target / "validation.txt", out.folder / "validation.txt")
            reporter.say(f"[green]✓[/green] validate [dim](inputs unchanged: {UNCHANGED})[/dim]")
        else:
            with reporter.step("validate", f"validate: {len(graph)} statements conform"):
                report = curator_checks(graph, validate(graph))  # evidence and local concepts too
                (out.folder / "validation.txt").write_text(report.text() + "\n", encoding="utf-8")
                if not report.conforms:  # raised inside the step, so that no ✓ line is printed
                    console.print(report.text())
                    raise ValidationFailed(
                        f"{len(report.violations)} violation(s); {target} was left as it was", report
                    )
        out.add("Model", "Validation report", out.folder / "validation.txt")
        if unchanged("data", "dumps"):
            reuse("dumps", "dumps")
        else:
            jsonld = cast(BackgroundJsonLd, step("dumps", lambda: write_dumps(graph, out)))
        reusable("saved queries", "data", "queries", lambda: write_query_answers(graph, out, reporter))
        reusable("gap map", "data", "gapmap", lambda: write_gap_map(graph, out))
        reusable("ontology documentation", "model", "ontology", lambda: write_ontology_docs(graph, out))
        if jsonld is not None:
            with reporter.step("JSON-LD dump", since=jsonld.started):
                jsonld.wait()
        if diagrams is None:
            reuse("network diagrams", "network")
        else:
            with reporter.step("network diagrams", since=diagrams.started):
                diagrams.finish()
        step("index", lambda: write_index(out))
        record = {
            "version": __version__,
            "statements": len(graph),
            "keys": keys,
            "entries": out.entries,
            "notes": out.notes,
        }
        (out.folder / "build.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        (out.folder / OWNER).unlink()
        _swap(out.folder, target)
    except BaseException:
        for background in (diagrams, jsonld):
            if background is not None:
                background.cancel()
        shutil.rmtree(out.folder, ignore_errors=True)
        raise
    reporter.say(f"[bold]built {target}[/bold] in {time.perf_counter() - started:.2f} s")
    return target
