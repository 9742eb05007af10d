"""The gallery's index pages: ``index.html`` and ``index.md``, listing every built figure.

For each script the pages show its title and explanation, its figures (static ones first, then
animations), links to its other files and the exact command that reproduces it; a built
interpolation lab is linked above them all. The HTML and its CSS live in ``templates/`` beside
this module and are filled in (and the CSS inlined) when the page is written, so the page is
one file that opens from ``file://``. No timestamps: the same figures give the same bytes.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template

from manifoldviz_gallery.scripts import Entry

from manifoldviz.atomic import write_bytes_atomic

IMAGE_SUFFIXES = (".png", ".gif")
#: A script that writes this file has built the interpolation lab; the index links it first.
LAB_PAGE = "explore.html"
#: What the index says of the lab, on both pages.
LAB_INVITATION = (
    "pick any two digits, drag t, or draw your own digit, and watch both paths "
    "computed live (one page that works offline)."
)


#: The page's own template; every other file in ``templates/`` is a fragment placed in it.
PAGE_TEMPLATE = "index.html"
PAGE_STYLE = "index.css"


def _read(name: str) -> str:
    return resources.files("manifoldviz_gallery").joinpath("templates", name).read_text("utf-8")


@cache
def _template(name: str) -> Template:
    text = _read(name)
    # Fragments go side by side on one line: a fragment file's final newline is not part of it.
    return Template(text if name == PAGE_TEMPLATE else text.removesuffix("\n"))


def _fill(template: str, markup: dict[str, str] | None = None, /, **text: object) -> str:
    """``templates/<template>`` filled in: ``text`` values escaped, ``markup`` values as is."""
    values = {key: html.escape(str(value)) for key, value in text.items()}
    return _template(template).substitute(values, **(markup or {}))


def outputs_of(folder: Path, entry: Entry) -> list[Path]:
    """The files a script wrote, in a stable order."""
    base = folder / entry.name
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []


def reproduce_command(entry: Entry, *, quick: bool, seed: int) -> str:
    flags = " --quick" if quick else ""
    return f"manifoldviz gallery --only {entry.name}{flags} --seed {seed}"


def write_index(folder: Path, entries: list[Entry], *, quick: bool, seed: int) -> list[Path]:
    """``index.html`` and ``index.md`` listing every built figure (no timestamps)."""
    cards, sections = [], []
    for entry in entries:
        files = outputs_of(folder, entry)
        # Static figures first, then their animations.
        images = sorted(
            (p for p in files if p.suffix in IMAGE_SUFFIXES),
            key=lambda p: (p.suffix != ".png", p.as_posix()),
        )
        others = [p for p in files if p.suffix not in IMAGE_SUFFIXES]
        command = reproduce_command(entry, quick=quick, seed=seed)
        figures = "".join(
            _fill(
                "figure.html", href=p.relative_to(folder).as_posix(), title=entry.title, stem=p.stem
            )
            for p in images
        )
        links = " · ".join(
            _fill("file.html", href=p.relative_to(folder).as_posix(), name=p.name) for p in others
        )
        cards.append(
            _fill(
                "card.html",
                {"figures": figures, "files": links},
                name=entry.name,
                title=entry.title,
                explanation=entry.explanation,
                command=command,
            )
        )
        md_images = "\n".join(
            f"![{entry.title}: {p.stem}]({p.relative_to(folder).as_posix()})" for p in images
        )
        sections.append(
            f"## {entry.title}\n\n{entry.explanation}\n\n{md_images}\n\nReproduce: `{command}`\n"
        )
    mode = "quick build (embedded sample, fewer epochs)" if quick else "full build"
    lab_html, lab_md = "", ""
    lab = next((p for e in entries for p in outputs_of(folder, e) if p.name == LAB_PAGE), None)
    if lab is not None:
        href = lab.relative_to(folder).as_posix()
        # On a line of its own, above the first figure.
        lab_html = _fill("lab.html", href=href, invitation=LAB_INVITATION) + "\n"
        lab_md = f"[Open the interpolation lab]({href}): {LAB_INVITATION}\n\n"
    page = _fill(
        PAGE_TEMPLATE,
        {"style": _read(PAGE_STYLE), "lab": lab_html, "cards": "".join(cards)},
        mode=mode,
        seed=seed,
    )
    markdown = f"# manifoldviz gallery\n\n{mode}, seed {seed}.\n\n{lab_md}" + "\n".join(sections)
    return [
        write_bytes_atomic(folder / "index.html", page.encode("utf-8")),
        write_bytes_atomic(folder / "index.md", markdown.encode("utf-8")),
    ]
