"""Progress of long work: plain lines for logs, and counted steps that can be drawn as bars.

Every long computation takes one ``progress`` callback and calls it with one line of text per
step. A step of a counted task (epoch 3 of 10, run 2 of 6) is a :class:`Tick`: still a plain
string, so any callback that prints or collects lines keeps working, but it also says how far
along the task is. :class:`ProgressBars` draws those as progress bars (tqdm: a text bar on a
terminal, a widget in Jupyter) and passes other lines through. The library itself never prints:
it only calls the callback it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

#: Called with one line such as ``"classifier (MLP 512): epoch 3/5  accuracy 0.97"``.
Progress = Callable[[str], None]


class Tick(str):
    """One progress line that is also step ``done`` of ``total`` of the task ``label``.

    Parameters
    ----------
    text
        The line, as a log shows it.
    label
        The task it belongs to (one bar per label).
    done, total
        Steps finished and steps in all.
    unit
        What a step is (``"epoch"``, ``"run"``, ``"figure"``).
    """

    label: str
    done: int
    total: int
    unit: str

    def __new__(cls, text: str, *, label: str, done: int, total: int, unit: str = "step") -> Tick:
        line = super().__new__(cls, text)
        line.label, line.done, line.total, line.unit = label, done, total, unit
        return line


def report_step(
    progress: Progress | None,
    text: str,
    *,
    label: str,
    done: int,
    total: int,
    unit: str = "step",
) -> None:
    """Call ``progress`` (if any) with a :class:`Tick` for step ``done`` of ``total``.

    Parameters
    ----------
    progress
        The callback, or None for silence.
    text
        The line a log shows.
    label, done, total, unit
        As in :class:`Tick`.
    """
    if progress:
        progress(Tick(text, label=label, done=done, total=total, unit=unit))


class ProgressBars:
    """A progress callback drawing each counted task as a bar (terminal or Jupyter).

    Counted steps (:class:`Tick`) move a bar with counts, elapsed and remaining time; any other
    line is written above the bars. Pass an instance wherever a ``progress`` callback is taken.

    Parameters
    ----------
    file
        Where a terminal bar is drawn (default: standard error). In Jupyter, tqdm's widget.
    """

    def __init__(self, file: IO[str] | None = None) -> None:
        self.file = file
        self._bars: dict[str, Any] = {}

    def __call__(self, line: str) -> None:
        """Show one progress line: move its bar, or write it above the bars.

        Parameters
        ----------
        line
            A :class:`Tick` or a plain line.
        """
        from tqdm.auto import tqdm

        if not isinstance(line, Tick):
            tqdm.write(str(line), file=self.file)
            return
        bar = self._bars.get(line.label)
        if bar is None or bar.total != line.total or line.done < bar.n:
            if bar is not None:
                bar.close()
            bar = tqdm(total=line.total, desc=line.label, unit=line.unit, file=self.file)
            self._bars[line.label] = bar
        bar.update(line.done - bar.n)
        text = str(line)
        detail = text[len(line.label) :].lstrip(": ") if text.startswith(line.label) else text
        bar.set_postfix_str(detail[:60], refresh=True)
        if line.done >= line.total:
            bar.close()
            del self._bars[line.label]

    def close(self) -> None:
        """Close every open bar (a task that stopped early)."""
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()
