import { describe, expect, it } from 'vitest';
import { gridLayout, paneInnerSize } from '../../src/ui/layout/grid.js';

const shape = (layout: ReturnType<typeof gridLayout>) => layout.panes.map((p) => [p.agent, p.x, p.y, p.width, p.height]);

describe('pane grid', () => {
  it('gives one agent the whole area', () => {
    expect(shape(gridLayout(1, 120, 38, 0, false))).toEqual([[0, 0, 0, 120, 38]]);
  });

  it('puts two agents side by side, or stacked in a narrow window', () => {
    expect(shape(gridLayout(2, 120, 38, 0, false))).toEqual([
      [0, 0, 0, 60, 38],
      [1, 60, 0, 60, 38],
    ]);
    expect(shape(gridLayout(2, 80, 22, 0, false))).toEqual([
      [0, 0, 0, 80, 11],
      [1, 0, 11, 80, 11],
    ]);
  });

  it('uses 2×2 for three or four agents, filling the area exactly', () => {
    const layout = gridLayout(3, 121, 39, 0, false);
    expect(layout.panes).toHaveLength(3);
    expect(layout.panes.map((p) => p.width)).toEqual([60, 61, 60]);
    expect(layout.hidden).toEqual([]);
  });

  it('lists the agents beyond the grid, and pages to the selected one', () => {
    const layout = gridLayout(8, 120, 40, 6, false);
    expect(layout.panes.map((p) => p.agent)).toEqual([4, 5, 6, 7]);
    expect(layout.hidden).toEqual([0, 1, 2, 3]);
    expect(gridLayout(8, 200, 60, 0, false).panes).toHaveLength(6);
  });

  it('zooms the selected agent to the whole area', () => {
    expect(shape(gridLayout(4, 100, 30, 2, true))).toEqual([[2, 0, 0, 100, 30]]);
  });

  it('sizes the terminal inside a pane without its border and title', () => {
    expect(paneInnerSize({ width: 60, height: 20 })).toEqual({ cols: 58, rows: 17 });
  });
});
