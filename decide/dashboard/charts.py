"""Geometry of the dashboard's bar charts, drawn as inline SVG by the template (no script)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 520, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 4, 26, 36


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart(values: list[int], labels: list[str]) -> BarChart:
    """Bars for `values` (one per label) on a scale from 0 to a round maximum."""
    top = nice_ceiling(max(values, default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        height = round(plot_height * value / top, 1)
        bars.append(Bar(x=round(LEFT + i * slot + slot * 0.15, 1),
                        y=round(HEIGHT - BOTTOM - height, 1),
                        width=round(slot * 0.7, 1), height=height, value=value, label=label))
    # Gridlines at round values only: 0, the middle when it is a whole number, the top.
    steps = [0, top // 2, top] if top % 2 == 0 else [0, top]
    ticks = [Tick(y=round(HEIGHT - BOTTOM - plot_height * value / top, 1), value=value)
             for value in steps]
    return BarChart(bars=bars, ticks=ticks)
