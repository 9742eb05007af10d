"""Animated output: compose labelled frames with Pillow and write GIF (or MP4) atomically.

Frames are drawn directly as pixels (no matplotlib per frame), which keeps a 30-frame GIF in
the tens of milliseconds and the bytes identical for identical input.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.atomic import atomic_path
from manifoldviz.errors import InvalidInputError
from manifoldviz.figures.palette import OKABE_ITO
from manifoldviz.figures.style import lecture_style, new_figure


@dataclass(frozen=True)
class Panel:
    """One image in a frame, with a heading above it and lines of text below."""

    image: npt.NDArray[np.floating]
    heading: str
    colour: str
    caption: tuple[str, ...] = ()


@lru_cache(maxsize=8)
def _font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(_dejavu_sans()), size)
    except OSError:
        return ImageFont.load_default(size)


def _dejavu_sans() -> Path:
    """matplotlib's DejaVu Sans, found without importing matplotlib (half a second saved)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("matplotlib is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"


def compose_frame(panels: Sequence[Panel], *, title: str, scale: int) -> npt.NDArray[np.uint8]:
    """Draw panels side by side under a title; return an RGB uint8 image.

    Images are upscaled by ``scale`` with nearest-neighbour so pixels stay crisp on a projector.
    What every frame of a sequence shares (headings, frames around the images) is drawn once;
    no two drawn things overlap, so the pixels are those of drawing everything each time.
    """
    from PIL import Image, ImageDraw

    layout = _Layout(len(panels), max((len(p.caption) for p in panels), default=0), scale)
    canvas = _headed_canvas(tuple((p.heading, p.colour) for p in panels), layout).copy()
    draw = ImageDraw.Draw(canvas)
    text, side, pad = layout.text, layout.side, layout.pad
    draw.text(
        (layout.width / 2, pad / 2), title, fill="black", font=_font(int(text * 1.2)), anchor="mt"
    )
    for i, panel in enumerate(panels):
        left, top = layout.left(i), layout.top
        pixels = np.clip(np.asarray(panel.image, np.float32), 0, 1)
        # Dark ink on white paper reads better on projectors than white on black.
        digit = Image.fromarray(np.uint8(np.rint(255 * (1 - pixels))), mode="L")
        digit = digit.resize((side, side), Image.Resampling.NEAREST)
        canvas.paste(digit.convert("RGB"), (left, top))
        for j, line in enumerate(panel.caption):
            draw.text(
                (left + side / 2, top + side + pad / 2 + j * int(text * 1.3)),
                line,
                fill="black",
                font=_font(int(text * 0.9)),
                anchor="mt",
            )
    return np.asarray(canvas)


@dataclass(frozen=True)
class _Layout:
    """Where everything of a frame goes, for ``n_panels`` images at ``scale``."""

    n_panels: int
    n_caption_lines: int
    scale: int

    @property
    def side(self) -> int:
        return 28 * self.scale

    @property
    def pad(self) -> int:
        return max(12, self.side // 10)

    @property
    def text(self) -> int:
        return max(14, self.side // 10)

    @property
    def top(self) -> int:
        return int(self.text * 1.8) + int(self.text * 1.5)

    @property
    def width(self) -> int:
        return self.n_panels * self.side + (self.n_panels + 1) * self.pad

    @property
    def height(self) -> int:
        caption_h = int(self.text * 1.3) * self.n_caption_lines
        return self.top + self.side + caption_h + self.pad

    def left(self, i: int) -> int:
        return self.pad + i * (self.side + self.pad)


@lru_cache(maxsize=8)
def _headed_canvas(headings: tuple[tuple[str, str], ...], layout: _Layout) -> Any:
    """A white canvas with each panel's heading and the frame around its image."""
    from PIL import Image, ImageDraw

    canvas = Image.new("RGB", (layout.width, layout.height), "white")
    draw = ImageDraw.Draw(canvas)
    side, top = layout.side, layout.top
    for i, (heading, colour) in enumerate(headings):
        left = layout.left(i)
        draw.text(
            (left + side / 2, top - 6), heading, fill=colour, font=_font(layout.text), anchor="mb"
        )
        draw.rectangle(
            (left - 3, top - 3, left + side + 2, top + side + 2), outline=colour, width=3
        )
    return canvas


def rasterise(
    draws: Iterable[Callable[[Any], Any]], *, size: tuple[float, float], dpi: int
) -> list[npt.NDArray[np.uint8]]:
    """Draw each ``draw(figure)`` on a new lecture-style figure and return its RGB pixels.

    The one way a matplotlib drawing becomes an animation frame: every frame of a sequence has
    the same size, so a GIF of them needs no resampling. The layout (where each axes sits) is
    worked out once, on the last and fullest frame, and every other frame keeps it: the axes
    hold still from frame to frame instead of shifting with what each frame shows, and the
    layout, two thirds of a frame's drawing time, is computed once per sequence.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    draws = list(draws)
    frames: list[npt.NDArray[np.uint8]] = [np.zeros(0, np.uint8)] * len(draws)
    positions: list[Any] = []
    with lecture_style():
        for index in [len(draws) - 1, *range(len(draws) - 1)] if draws else []:
            figure = new_figure(*size)
            figure.set_dpi(dpi)
            canvas = FigureCanvasAgg(figure)
            draws[index](figure)
            if positions:
                _keep_layout(figure, positions)
            canvas.draw()
            if not positions:
                positions = [axes.get_position() for axes in figure.axes]
            frames[index] = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    return frames


def _keep_layout(figure: Any, positions: list[Any]) -> bool:
    """Place ``figure``'s axes where ``positions`` say, with no layout engine; False (and the
    figure left to its own layout) when its axes do not match them."""
    if len(figure.axes) != len(positions):
        return False
    try:
        figure.set_layout_engine("none")
    except RuntimeError:  # a colorbar made under the constrained layout pins the engine
        return False
    for axes, position in zip(figure.axes, positions, strict=True):
        axes.set_position(position)
    return True


def write_animation(
    path: str | os.PathLike[str],
    frames: Sequence[npt.NDArray[np.uint8]],
    durations_ms: Sequence[int],
    *,
    loop: int = 0,
) -> Path:
    """Write frames as a GIF (``loop=0`` loops forever) or an MP4, atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".mp4":
            import imageio.v3 as iio

            fps = 1000.0 / float(np.median(durations_ms))
            iio.imwrite(tmp, _pad_even(frames), extension=".mp4", fps=fps, macro_block_size=1)
        else:
            _write_gif(tmp, frames, durations_ms, loop=loop)
    return path


def _write_gif(
    path: Path, frames: Sequence[npt.NDArray[np.uint8]], durations_ms: Sequence[int], *, loop: int
) -> None:
    """A fixed palette (grey ramp plus our accent colours), no dithering: flat areas stay flat,
    the file stays small and the same frames always give the same bytes."""
    from PIL import Image

    palette = Image.new("P", (1, 1))
    palette.putpalette(_gif_palette())
    quantized: dict[int, Any] = {}
    images = []
    for frame in frames:  # a bouncing loop repeats frames: quantize each distinct one once
        if id(frame) not in quantized:
            quantized[id(frame)] = Image.fromarray(frame).quantize(
                palette=palette, dither=Image.Dither.NONE
            )
        images.append(quantized[id(frame)])
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=list(durations_ms),
        loop=loop,
        optimize=True,
        disposal=1,
    )


@lru_cache(maxsize=1)
def _gif_palette() -> list[int]:
    greys = np.linspace(0, 255, 24).round().astype(int)
    colours = [tuple(int(g) for g in (v, v, v)) for v in greys]
    for hex_colour in OKABE_ITO.values():
        rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
        for weight in (1.0, 0.5, 0.25, 0.12):
            colours.append(tuple(int(c) for c in np.rint(weight * rgb + (1 - weight) * 255)))
    flat = [c for colour in colours[:256] for c in colour]
    return flat + [255] * (768 - len(flat))


def _pad_even(frames: Sequence[npt.NDArray[np.uint8]]) -> npt.NDArray[np.uint8]:
    stack = np.stack(frames)
    h, w = stack.shape[1:3]
    return np.pad(stack, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)), constant_values=255)


def sequence_with_holds(
    n_frames: int, *, fps: float, hold_s: float = 0.8, bounce: bool = True
) -> tuple[list[int], list[int]]:
    """Frame order and per-frame durations: a pause at each end, then (optionally) back again."""
    if fps <= 0:
        raise InvalidInputError(f"fps must be positive, got {fps}", param="fps")
    step = max(20, round(1000 / fps))
    hold = max(step, round(hold_s * 1000))
    order = list(range(n_frames))
    if bounce:
        order += list(range(n_frames - 2, 0, -1))
    durations = [step] * len(order)
    durations[0] = hold
    durations[n_frames - 1] = hold
    return order, durations
