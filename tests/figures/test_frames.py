"""Animation frames: the same size and layout in every frame, in the order they were given."""

from __future__ import annotations

import numpy as np

from manifoldviz.figures.frames import rasterise


def test_frames_keep_the_fullest_frames_layout_and_their_order() -> None:
    figures = []

    def draw(upto: int):
        def on(figure) -> None:
            figures.append((upto, figure))
            ax = figure.add_subplot()
            ax.set_facecolor((upto / 10, 0.5, 0.5))
            ax.plot(range(upto + 1), range(upto + 1))
            ax.set_xlim(0, 10)
            ax.set_ylim(0, 10)
            # Only the last frame has a long title and y label: the others keep its layout.
            if upto == 9:
                ax.set_title("a long title that needs room")
                ax.set_ylabel("a label\nover two lines")

        return on

    frames = rasterise([draw(upto) for upto in range(10)], size=(4, 3), dpi=50)
    assert len(frames) == 10 and all(f.shape == (150, 200, 3) for f in frames)
    assert [upto for upto, _ in figures] == [9, *range(9)]  # the fullest is laid out first
    last = figures[0][1].axes[0].get_position().bounds
    assert all(f.axes[0].get_position().bounds == last for _, f in figures)
    centre = [tuple(frame[75, 100]) for frame in frames]  # each frame's own background
    reds = [c[0] for c in centre]
    assert reds == sorted(reds) and len(set(reds)) == 10


def test_a_frame_with_other_axes_is_laid_out_on_its_own() -> None:
    def one(figure) -> None:
        figure.add_subplot().plot([0, 1])

    def two(figure) -> None:
        left, right = figure.subplots(1, 2)
        left.plot([0, 1])
        right.set_ylabel("right")

    frames = rasterise([two, one], size=(4, 3), dpi=50)
    assert [f.shape for f in frames] == [(150, 200, 3)] * 2
    assert not np.array_equal(frames[0], frames[1])
