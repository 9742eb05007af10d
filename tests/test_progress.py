"""Progress: counted steps are still plain lines, and draw as bars that count and close."""

from __future__ import annotations

import io

from manifoldviz.progress import ProgressBars, Tick, report_step


def test_a_tick_is_a_plain_line_that_knows_how_far_along_it_is() -> None:
    lines: list[str] = []
    report_step(lines.append, "mlp: epoch 2/5  loss 0.3", label="mlp", done=2, total=5)
    assert lines == ["mlp: epoch 2/5  loss 0.3"]
    assert isinstance(lines[0], Tick) and (lines[0].done, lines[0].total) == (2, 5)
    report_step(None, "silent", label="x", done=1, total=1)  # no callback: nothing happens


def test_bars_count_to_the_end_and_close() -> None:
    out = io.StringIO()
    bars = ProgressBars(file=out)
    for epoch in range(1, 4):
        bars(Tick(f"mlp: epoch {epoch}/3", label="mlp", done=epoch, total=3, unit="epoch"))
    bars("a plain notice")
    text = out.getvalue()
    assert "3/3" in text and "epoch" in text and "a plain notice" in text
    assert not bars._bars  # the finished bar was closed


def test_the_training_loop_reports_each_epoch_as_a_tick(tiny_mnist) -> None:
    from manifoldviz.models.architectures import chapter_mlp
    from manifoldviz.training.loop import fit

    lines: list[str] = []
    x = tiny_mnist.x_train.reshape(len(tiny_mnist.x_train), -1)
    fit(
        chapter_mlp(784, 0),
        x,
        tiny_mnist.y_train,
        n_epochs=2,
        batch_size=64,
        seed=0,
        label="mlp",
        progress=lines.append,
    )
    assert [(t.done, t.total, t.unit) for t in lines] == [(1, 2, "epoch"), (2, 2, "epoch")]


def test_a_bar_shows_the_line_whole_when_it_does_not_start_with_its_label() -> None:
    out = io.StringIO()
    bars = ProgressBars(file=out)
    bars(Tick("noise: zeros, seed 1 finished", label="noise runs", done=1, total=2, unit="run"))
    assert "noise: zeros, seed 1 finished" in out.getvalue()
    bars.close()
