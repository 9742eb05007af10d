"""``manifoldviz cache``: show and clear the trained-model cache."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz_cli.options import examples


@click.group(epilog=examples("manifoldviz cache list", "manifoldviz cache clear --yes"))
def cache() -> None:
    """Show or clear cached models and results ($MANIFOLDVIZ_CACHE overrides the folder)."""


@cache.command("list", epilog=examples("manifoldviz cache list"))
def list_entries() -> None:
    """List cache entries with their size and key metrics."""
    from manifoldviz.store import Store

    store = Store()
    entries = store.entries()
    click.echo(f"cache folder: {store.root}")
    if not entries:
        click.echo("(empty)")
        return
    for entry in entries:
        if isinstance(entry, Path):
            click.echo(f"  {entry.name}  damaged (will be rebuilt on next use)")
            continue
        info = entry.info
        metric = " ".join(
            f"{name}={info[name]:.4f}" for name in ("test_loss", "test_accuracy") if name in info
        )
        spec = entry.manifest.get("spec", {})
        source = spec.get("data", "")[:8]
        click.echo(
            f"  {entry.path.name}  {entry.size_bytes() / 1e6:6.1f} MB  data {source}"
            f"  seed {spec.get('seed', '-')}  {metric}"
        )


@cache.command(epilog=examples("manifoldviz cache clear --yes"))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clear(yes: bool) -> None:
    """Delete every cached model and result."""
    from manifoldviz.store import Store

    store = Store()
    if not yes:
        click.confirm(f"Delete everything under {store.root}?", abort=True)
    removed = store.clear()
    click.echo(f"removed {removed} entries from {store.root}")
