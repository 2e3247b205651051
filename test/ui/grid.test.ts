import { describe, expect, it } from 'vitest';
import { gridLayout, paneAt, paneInnerSize } from '../../src/ui/layout/grid.js';

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

  it('leaves no empty space: three agents are one wide pane over two, four a 2×2 grid', () => {
    expect(shape(gridLayout(3, 121, 39, 0, false))).toEqual([
      [0, 0, 0, 121, 19],
      [1, 0, 19, 60, 20],
      [2, 60, 19, 61, 20],
    ]);
    const four = gridLayout(4, 121, 39, 0, false);
    expect(four.panes.map((p) => p.width)).toEqual([60, 61, 60, 61]);
    expect(four.hidden).toEqual([]);
  });

  it('tiles the whole area for every count, each cell in exactly one pane', () => {
    for (const [width, height] of [
      [80, 22],
      [120, 38],
      [200, 60],
    ] as const) {
      for (let count = 1; count <= 8; count += 1) {
        const layout = gridLayout(count, width, height, 0, false);
        const gridHeight = layout.hidden.length > 0 ? height - 1 : height;
        const covered = new Uint8Array(width * gridHeight);
        for (const pane of layout.panes) {
          for (let y = pane.y; y < pane.y + pane.height; y += 1)
            for (let x = pane.x; x < pane.x + pane.width; x += 1) covered[y * width + x]! += 1;
        }
        expect(
          [...covered].every((n) => n === 1),
          `${count} agents in ${width}×${height}`,
        ).toBe(true);
      }
    }
  });

  it('finds the pane under a cell (the mouse wheel scrolls that one)', () => {
    const layout = gridLayout(3, 120, 38, 0, false);
    expect(paneAt(layout, 5, 5)?.agent).toBe(0);
    expect(paneAt(layout, 5, 30)?.agent).toBe(1);
    expect(paneAt(layout, 100, 30)?.agent).toBe(2);
    expect(paneAt(layout, 100, 38)).toBeUndefined();
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
