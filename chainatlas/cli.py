"""The ``chainatlas`` command: load, serve, stats, query (and the commands later issues add)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from chainatlas.settings import get_settings

app = typer.Typer(
    help="ChainAtlas 链图: Jinan's 13+34 industrial chains as a knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


MAX_ERRORS_SHOWN = 50
"""Seed errors printed before "… and N more"."""


def _print_errors(errors: list) -> None:
    """Seed errors, one a line (each at most 500 characters), the first
    :data:`MAX_ERRORS_SHOWN`, then "… and N more"."""
    for err in errors[:MAX_ERRORS_SHOWN]:
        err_console.print(str(err)[:500], highlight=False, markup=False, soft_wrap=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        more = len(errors) - MAX_ERRORS_SHOWN
        err_console.print(f"… and {more} more (还有 {more} 个错误)", markup=False)


def _open_store(seed: bool = False):
    """The configured store (a spinner while it opens; an error is one clear message); with
    ``seed``, an empty store is first filled from the seeds (as ``serve`` does on first start),
    or the command stops saying how to fill it."""
    from chainatlas.graph.factory import open_store
    from chainatlas.graph.store import StoreError

    settings = get_settings()
    with err_console.status("正在打开图库 opening the store…") as status:
        try:
            store = open_store(settings, progress=status.update)
        except StoreError as e:
            status.stop()
            _fail(str(e))
        except OSError as e:
            status.stop()
            _fail(f"{e.strerror or e}: {getattr(e, 'filename', '') or ''}. Check that "
                  f"CHAINATLAS_DATA_DIR ({settings.data_dir}) is a writable directory.")
    if seed and store.is_empty():
        if not settings.load_on_start:
            store.close()
            _fail("the store is empty (图谱为空): run `chainatlas load` first to load the seeds "
                  f"from {settings.seeds_dir}.")
        _seed_first_use(store, settings)
    return store


def _seed_first_use(store, settings) -> None:
    """Load the seeds into an empty store, with progress (first use, like ``serve``); quotes
    are checked as by ``chainatlas load``."""
    from chainatlas.loaders.load import EmptySeedSource, SourcesMissing
    from chainatlas.loaders.load import load as do_load
    from chainatlas.loaders.validate import SeedValidationError

    err_console.print(f"[yellow]the store is empty (图谱为空):[/yellow] loading the seeds from "
                      f"{settings.seeds_dir} first (首次使用，先载入种子数据)")
    try:
        with Progress(TextColumn("[bold]loading"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task("load", total=None)
            do_load(settings.seeds_dir, store, batch_size=settings.batch_size,
                    on_total=lambda n: bar.update(task, total=n),
                    progress=lambda n: bar.advance(task, n),
                    sources_dir=settings.sources_dir, require_quotes=settings.quote_check)
    except (SeedValidationError, FileNotFoundError, SourcesMissing, EmptySeedSource) as e:
        store.close()
        _fail(f"the store is empty and the seeds could not be loaded ({e}). Fix them and run "
              "`chainatlas load`.")


@app.command()
def load(
    path: Annotated[
        Path | None, typer.Argument(help="Seed directory or file (default: seeds/)")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing")
    ] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty",
                           help="Let a seed source with no items empty a non-empty graph")
    ] = False,
    no_quote_check: Annotated[
        bool, typer.Option("--no-quote-check",
                           help="Load even when the source documents are missing (quotes are "
                                "then not checked)")
    ] = False,
    keep_registry: Annotated[
        bool, typer.Option("--keep-registry/--no-keep-registry",
                           help="Import the registry extracts the graph held again after the "
                                "seed load (default), or drop them")
    ] = True,
) -> None:
    """Validate the seed YAML and replace the graph with it (all or nothing).

    Every quote is checked verbatim against the source documents (CHAINATLAS_SOURCES_DIR);
    without them the load is refused unless --no-quote-check.
    """
    from chainatlas.graph.store import StoreError
    from chainatlas.loaders.load import EmptySeedSource, SourcesMissing, sources_missing_message
    from chainatlas.loaders.load import load as do_load
    from chainatlas.loaders.validate import SeedValidationError

    settings = get_settings()
    seeds = path or settings.seeds_dir
    check = settings.quote_check and not no_quote_check
    sources = settings.sources_dir if check else None
    if not check:
        err_console.print("[bold yellow]注意 quotes NOT checked[/bold yellow] (--no-quote-check "
                          "or CHAINATLAS_QUOTE_CHECK=false): seed quotes are loaded unverified.")
    try:
        if dry_run:
            report = do_load(seeds, None, dry_run=True, sources_dir=sources,
                             require_quotes=check)
            console.print(f"[green]valid:[/green] {report.files} file(s), {report.nodes} nodes, "
                          f"{report.relationships} relationships (nothing written)")
            _print_quote_check(report.quotes_checked, settings.sources_dir)
            return
        if check and not Path(settings.sources_dir).is_dir():
            raise SourcesMissing(sources_missing_message(settings.sources_dir))
        store = _open_store()
        with store:
            had_registry = _registry_firms(store)
            with Progress(TextColumn("[bold]loading"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=True) as bar:
                task = bar.add_task("load", total=None)
                report = do_load(
                    seeds, store, batch_size=settings.batch_size,
                    on_total=lambda n: bar.update(task, total=n),
                    progress=lambda n: bar.advance(task, n),
                    sources_dir=sources, require_quotes=check, allow_empty=allow_empty,
                )
            if had_registry and keep_registry:
                _reimport_registry(store, settings, had_registry)
            elif had_registry:
                err_console.print(f"[yellow]the graph held {had_registry} registry firms; the "
                                  "seed load replaced them[/yellow] (--no-keep-registry). Run "
                                  "`chainatlas import FILE` to bring them back.")
            counts = store.stats()
    except SeedValidationError as e:
        _print_errors(e.errors)
        _fail(f"{len(e.errors)} error(s) in the seeds; nothing was written, the graph is "
              "unchanged. Fix them and run `chainatlas load` again.")
        return
    except (EmptySeedSource, SourcesMissing) as e:
        _fail(f"{e}\nNothing was written; the graph is unchanged.")
        return
    except FileNotFoundError as e:
        _fail(str(e))
        return
    except OSError as e:
        _fail(f"{e.strerror or e}: {getattr(e, 'filename', '') or ''}. Nothing was written.")
        return
    except StoreError as e:
        text = str(e)
        if "graph is unchanged" in text or "new graph" in text:
            _fail(text)  # the message already says what became of the graph
        _fail(f"{text}\nNothing was written; the previous graph is unchanged.")
        return
    console.print(f"[green]loaded[/green] {report.files} file(s): {report.nodes} nodes, "
                  f"{report.relationships} relationships into {store.kind}")
    _print_quote_check(report.quotes_checked, settings.sources_dir)
    _print_counts(counts)


def _registry_firms(store) -> int:
    from chainatlas.loaders.registry_log import REGISTRY_FIRMS

    return int(store.read(REGISTRY_FIRMS)[0]["firms"]) if not store.is_empty() else 0


def _reimport_registry(store, settings, had: int) -> None:
    """Bring back the registry firms a seed load replaced: import the recorded extracts again
    (the seeds hold no registry firms)."""
    from chainatlas.loaders.registry import RegistryError, import_registry
    from chainatlas.loaders.registry_log import recorded_imports

    done, missing = [], []
    for item in recorded_imports(settings.data_dir):
        file, mapping = Path(item["file"]), item.get("mapping")
        if not file.is_file() or (mapping and not Path(mapping).is_file()):
            missing.append(str(file))
            continue
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(f"重新导入 re-import {file.name}", total=None)
            try:
                import_registry(file, store, mapping=Path(mapping) if mapping else None,
                                seeds_dir=settings.seeds_dir,
                                on_total=lambda n, t=task: bar.update(t, total=n, completed=0),
                                progress=lambda n, t=task: bar.advance(t, n))
            except RegistryError as e:
                missing.append(f"{file} ({e.total} error(s) now)")
                continue
        done.append(file.name)
    if done:
        console.print(f"registry kept 保留企业登记数据: re-imported {', '.join(done)} after the "
                      "seed load")
    if missing or not done:
        err_console.print(f"[yellow]the graph held {had} registry firms; not brought back:"
                          f"[/yellow] {', '.join(missing) or 'no recorded import'}. Run "
                          "`chainatlas import FILE` again.")


def _print_quote_check(checked: bool, sources_dir: Path) -> None:
    if checked:
        console.print(f"every quote checked against {sources_dir} (whitespace ignored)")
    else:
        console.print(f"[yellow]quotes not checked:[/yellow] no source documents at {sources_dir} "
                      "(set CHAINATLAS_SOURCES_DIR)")


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    table = Table(title="Graph contents")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for label, n in sorted(counts["nodes"].items()):
        table.add_row("node", label, str(n))
    for rel, n in sorted(counts["relationships"].items()):
        table.add_row("relationship", rel, str(n))
    console.print(table)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Coverage report of the seeds")
    ] = False,
) -> None:
    """Counts per label and relationship type (``--coverage``: what the seeds cover)."""
    store = _open_store()
    with store:
        if store.is_empty() and not as_json:
            err_console.print("[yellow]the store is empty:[/yellow] run `chainatlas load` "
                              "(or `make run`, which loads the seeds on first start)")
        if coverage:
            from chainatlas.queries.coverage import coverage_report, print_coverage

            report = coverage_report(store)
            if as_json:
                console.print_json(json.dumps(report, ensure_ascii=False))
            else:
                print_coverage(report, console)
            return
        counts = store.stats()
    if as_json:
        console.print_json(json.dumps({"store": store.kind, **counts}, ensure_ascii=False))
    else:
        console.print(f"store: {store.kind}")
        _print_counts(counts)


@app.command()
def audit(
    path: Annotated[
        Path | None, typer.Argument(help="Seed directory or file (default: seeds/)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """How each fact is known: counts by basis (stated / inferred / reference) per seed file
    and per relationship type. 事实依据统计。"""
    from chainatlas.loaders.audit import audit_report, print_audit
    from chainatlas.loaders.validate import SeedValidationError

    try:
        report = audit_report(path or get_settings().seeds_dir)
    except SeedValidationError as e:
        _print_errors(e.errors)
        _fail(f"{len(e.errors)} error(s) in the seeds; fix them (`chainatlas load --dry-run`) "
              "and run `chainatlas audit` again.")
        return
    except FileNotFoundError as e:
        _fail(str(e))
        return
    if as_json:
        console.print_json(json.dumps(report, ensure_ascii=False))
    else:
        print_audit(report, console)


def _parse_params(params: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in params:
        if "=" not in p:
            _fail(f"--param takes key=value, got {p!r}")
        k, v = p.split("=", 1)
        try:
            out[k] = json.loads(v)
        except ValueError:
            out[k] = v
    return out


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="Named query; omit to list them")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Run a named query from the query library and print a table."""
    from chainatlas.queries.registry import NAMED_QUERIES

    if name is None or name not in NAMED_QUERIES:
        if name is not None:
            err_console.print(f"unknown query {name!r}")
        table = Table(title="Named queries")
        table.add_column("name")
        table.add_column("parameters")
        table.add_column("question")
        table.add_column("example")
        for q in NAMED_QUERIES.values():
            example = " ".join(f"-p {k}={_example_value(v)}" for k, v in q.example.items())
            table.add_row(q.name, ", ".join(q.params), q.doc, example)
        console.print(table)
        if name is not None:
            raise typer.Exit(2)
        return
    q = NAMED_QUERIES[name]
    params = _parse_params(param or [])
    missing = [p for p in q.params if p not in params and p not in q.defaults]
    if missing:
        _fail(f"query {name!r} needs --param {' --param '.join(m + '=...' for m in missing)}")
    store = _open_store(seed=True)
    with store:
        rows = store.read(q.cypher, {**q.defaults, **params})
    if as_json:
        console.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table(title=f"{name} ({len(rows)} rows)")
    cols = list(rows[0]) if rows else []
    for c in cols:
        table.add_column(c)
    for r in rows:
        table.add_row(*[_cell(r[c]) for c in cols])
    console.print(table)


def _example_value(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _cell(v: Any) -> str:
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)[:200]
    return "" if v is None else str(v)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
) -> None:
    """Run the HTTP API and web explorer (loads the seeds on first start)."""
    import uvicorn

    from chainatlas.api.app import create_app

    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    h, p = host or settings.host, port or settings.port
    store = _open_store()  # a store that cannot open is one clear message, not a traceback
    from chainatlas.api.http11 import Utf8TargetH11Protocol

    try:
        console.print(f"ChainAtlas on http://{h}:{p}/  (API docs: http://{h}:{p}/docs, "
                      f"store: {settings.store_kind})")
        # raw UTF-8 in a URL (curl 'http://…/search?q=比亚迪') is accepted, not a bare 400;
        # SIGTERM: stop accepting, give running requests 5 s, then exit
        uvicorn.run(create_app(settings, store=store), host=h, port=p, log_level="info",
                    http=Utf8TargetH11Protocol, timeout_graceful_shutdown=5)
    finally:
        store.close()


@app.command()
def brief(
    chain: Annotated[str, typer.Argument(help="Chain id or Chinese name, e.g. 集成电路")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the pack into")] = (
        Path("brief")),
) -> None:
    """Write a chain's briefing pack: map (HTML/SVG/PNG), gaps and actors (CSV/XLSX), PPTX."""
    from chainatlas.viz.brief import STEPS, build_brief
    from chainatlas.viz.data import NotFoundError
    from chainatlas.viz.fonts import MissingCJKFont

    store = _open_store(seed=True)
    try:
        with store, Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("brief", total=len(STEPS))
            started: list[str] = []

            def step(name: str) -> None:
                if started:
                    bar.advance(task)
                started.append(name)
                bar.update(task, description=name)

            pack = build_brief(store, chain, out, step=step)
            bar.update(task, completed=len(STEPS), description="完成 done")
    except NotFoundError as e:
        hint = "、".join(f"{s['name']} ({s['id']})" for s in e.suggestions[:6])
        _fail(f"no chain matches {chain!r}." + (f" Did you mean: {hint}" if hint else
                                                " List chains with `chainatlas query nodes "
                                                "--param kind=chain`."))
        return
    except MissingCJKFont as e:
        _fail(str(e))
        return
    console.print(f"[green]briefing pack of {pack.chain_name} ({pack.chain_id})[/green] "
                  f"in {out}/:")
    for f in pack.files:
        console.print(f"  {f.name}  ({f.stat().st_size // 1024 + 1} KB)")


@app.command()
def ingest(
    file: Annotated[Path | None, typer.Argument(help="New report: .txt, .docx or .pdf")] = None,
    doc: Annotated[
        str | None, typer.Option("--doc", help="Document id, e.g. kjj-weekly-19-2026-02-06")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: first line)")] = None,
    date: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (year of figures)")] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for ID.yaml, ID.review.md, ID.txt")
    ] = Path("ingest"),
    accept: Annotated[
        Path | None,
        typer.Option("--accept", help="Validate a reviewed ID.yaml and copy it into seeds/"),
    ] = None,
) -> None:
    """Propose what a new report adds (seed file + review file with quotes), or accept one.
    新报告入图：提议待审，附原文引语。"""
    from chainatlas.loaders.ingest import accept as do_accept
    from chainatlas.loaders.ingest import ingest as do_ingest
    from chainatlas.loaders.ingest_text import UnreadableDocument
    from chainatlas.loaders.validate import SeedValidationError

    settings = get_settings()
    try:
        if accept is not None:
            dest, placed = do_accept(accept, settings.seeds_dir, settings.sources_dir)
            console.print(f"[green]accepted[/green] 已接受: {dest}"
                          + (f"; document file at {placed}" if placed else ""))
            console.print("next 下一步: `chainatlas load`")
            return
        if file is None or doc is None:
            _fail("give the report and its id: `chainatlas ingest FILE --doc ID --out DIR` "
                  "(or `chainatlas ingest --accept DIR/ID.yaml`)")
            return
        with console.status("reading and matching 读取与匹配…"):
            w = do_ingest(file, doc, settings.seeds_dir, out, title=title, date=date)
    except SeedValidationError as e:
        _print_errors(e.errors)
        _fail(f"{len(e.errors)} error(s): the proposal does not load beside the seeds; nothing "
              "was copied. Edit the proposal and run `chainatlas ingest --accept` again.")
        return
    except (UnreadableDocument, FileNotFoundError, ValueError) as e:
        from rich.markup import escape

        _fail(escape(str(e)))
        return
    p = w.proposal
    console.print(f"[green]proposed[/green] 提议: {len(p.actors)} new actors, {len(p.links)} "
                  f"mentions of known actors, {len(p.metrics)} figures")
    for f in (w.yaml, w.review, w.text):
        console.print(f"  {f}")
    console.print(f"review {w.review.name}, edit {w.yaml.name}, then "
                  f"`chainatlas ingest --accept {w.yaml}` and `chainatlas load`")
@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Registry extract: .csv (UTF-8 ± BOM, GB18030), "
                                              ".xlsx or .parquet")],
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="YAML renaming the export's columns: columns: {Their header: 企业名称}")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing")] = (
        False),
    review: Annotated[Path | None, typer.Option(
        "--review", help="Where to write the review list of look-alikes (CSV)")] = None,
) -> None:
    """Import a registry extract (企业登记数据): validate, match, classify, upsert (atomic)."""
    from chainatlas.graph.store import StoreError
    from chainatlas.loaders.registry import RegistryError, import_registry, write_review

    settings = get_settings()
    store = None if dry_run and not settings.data_dir.exists() else _open_store()
    try:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("导入 import", total=None)
            report = import_registry(
                file, store, mapping=mapping, dry_run=dry_run, seeds_dir=settings.seeds_dir,
                step=lambda name: bar.update(task, description=name),
                on_total=lambda n: bar.update(task, total=n, completed=0),
                progress=lambda n: bar.advance(task, n))
    except RegistryError as e:
        for line in e.lines():
            err_console.print(line, highlight=False, markup=False, soft_wrap=True)
        _fail(f"{e.total} error(s) in {file}; nothing was written, the graph is unchanged. "
              "Fix the file (or map its columns with --mapping) and import again. "
              "文件有错误，未写入任何数据。")
        return
    except StoreError as e:
        _fail(str(e))
        return
    finally:
        if store is not None:
            store.close()
    if not dry_run:  # a seed load imports it again (registry firms are not in the seeds)
        from chainatlas.loaders.registry_log import record_import

        record_import(settings.data_dir, file, mapping)
    verb = "valid (nothing written)" if dry_run else "imported"
    console.print(f"[green]{verb}:[/green] {report.rows} firms from {file}: {report.new} new, "
                  f"{report.updated} updated, {report.unchanged} unchanged, "
                  f"{report.merged} on document nodes, "
                  f"{report.inactive} inactive (注销/吊销), {report.local} in Jinan; "
                  f"{report.placed} placed in segments by rule ({report.placements} placements)")
    if report.seconds:
        console.print("  seconds: " + ", ".join(f"{k} {v}" for k, v in report.seconds.items()))
    if report.merged_rows is not None and report.merged_rows.height:
        t = Table("row", "统一社会信用代码", "企业名称", "→ node", "how", title="merged 合并")
        for r in report.merged_rows.head(20).iter_rows(named=True):
            t.add_row(str(r["row"]), r["uscc"], r["name"], f"{r['node_name']} ({r['id']})",
                      r["how"])
        console.print(t)
    if report.review is not None and report.review.height:
        out = review or settings.data_dir / "registry_review.csv"
        write_review(report.review, out)
        t = Table("row", "统一社会信用代码", "企业名称", "candidate 候选", "score",
                  title=f"look-alikes to review 待确认 ({report.review.height}, not merged)")
        for r in report.review.head(20).iter_rows(named=True):
            t.add_row(str(r["row"]), r["uscc"], r["name"],
                      f"{r['candidate_name']} ({r['candidate']})", f"{r['score']:.0f}")
        console.print(t)
        console.print(f"review list: {out}. Accept a pair with `chainatlas registry-link "
                      "USCC NODE_ID` (kept in seeds/registry_links.yaml), reject with "
                      "`--reject`; then import again.")


@app.command("registry-link")
def registry_link(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码 of the registry firm")],
    node_id: Annotated[str, typer.Argument(help="Id of the existing node it is")],
    reject: Annotated[bool, typer.Option("--reject", help="Record that they are different")] = (
        False),
    name: Annotated[str, typer.Option(help="Registry name (kept as a comment in the file)")] = "",
) -> None:
    """Accept (or reject) a look-alike pair from the review list; the next import keeps it."""
    from chainatlas.loaders.registry import default_paths
    from chainatlas.loaders.registry_resolve import Links

    _, links_path = default_paths(get_settings().seeds_dir)
    links = Links.load(links_path)
    if reject:
        links.reject(uscc, node_id)
    else:
        links.accept(uscc, node_id, name)
    links.save()
    console.print(f"{'rejected' if reject else 'linked'} {uscc.upper()} → {node_id} in "
                  f"{links_path}; run `chainatlas import FILE` again to apply it.")


@app.command("generate-registry")
def generate_registry(
    rows: Annotated[int, typer.Option("--rows", "-n", help="Number of firms")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file)")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="File: .csv, .xlsx or .parquet")] = (
        Path("registry.csv")),
    encoding: Annotated[str, typer.Option(help="CSV encoding: utf-8-sig, utf-8, gb18030")] = (
        "utf-8-sig"),
) -> None:
    """Generate a realistic registry extract (企业登记数据) for tests and benchmarks."""
    from chainatlas.loaders.registry_gen import generate_file

    try:
        with console.status(f"generating {rows} firms…"):
            path = generate_file(rows, seed, out, encoding=encoding)
    except ValueError as e:
        _fail(str(e))
        return
    console.print(f"[green]wrote[/green] {path} ({rows} firms, seed {seed})")


def main() -> None:  # pragma: no cover
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
