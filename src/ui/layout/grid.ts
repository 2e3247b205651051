export interface PaneRect {
  /** Index into the agent list. */
  agent: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GridLayout {
  panes: PaneRect[];
  /** Agents without a pane (listed on one line under the grid). */
  hidden: number[];
}

/**
 * Panes per row for n visible panes, so that every row is filled: 1 full, 2 side by side
 * (stacked in a narrow window), 3 one wide over two, 4 2×2, 5 two over three, 6 3×2.
 */
const rowsOf = (visible: number, width: number): number[] => {
  if (visible <= 1) return [1];
  if (visible === 2) return width >= 100 ? [2] : [1, 1];
  if (visible === 3) return [1, 2];
  if (visible === 4) return [2, 2];
  if (visible === 5) return [2, 3];
  return [3, 3];
};

/**
 * Pane rectangles for `count` agents in a width × height area, tiling it with no gap. At most 6
 * panes are shown (4 in narrow windows); the page that holds the selected agent is the one shown.
 * A zoomed agent gets the whole area.
 */
export const gridLayout = (count: number, width: number, height: number, selected: number, zoomed: boolean): GridLayout => {
  if (count === 0) return { panes: [], hidden: [] };
  if (zoomed) {
    return { panes: [{ agent: selected, x: 0, y: 0, width, height }], hidden: [...Array(count).keys()].filter((i) => i !== selected) };
  }
  const perPage = Math.min(count, width >= 150 && height >= 30 ? 6 : 4);
  const hasList = count > perPage;
  const gridHeight = hasList ? height - 1 : height;
  const page = Math.floor(selected / perPage);
  const first = Math.min(page * perPage, count - perPage);
  const visible = [...Array(perPage).keys()].map((i) => first + i);
  const shape = rowsOf(perPage, width);
  const panes: PaneRect[] = [];
  let next = 0;
  shape.forEach((cols, row) => {
    const y = Math.floor((row * gridHeight) / shape.length);
    const rowHeight = Math.floor(((row + 1) * gridHeight) / shape.length) - y;
    for (let col = 0; col < cols; col += 1) {
      const x = Math.floor((col * width) / cols);
      panes.push({ agent: visible[next++]!, x, y, width: Math.floor(((col + 1) * width) / cols) - x, height: rowHeight });
    }
  });
  return { panes, hidden: [...Array(count).keys()].filter((i) => !visible.includes(i)) };
};

/** The pane under a cell of the grid area, if any. */
export const paneAt = (layout: GridLayout, x: number, y: number): PaneRect | undefined =>
  layout.panes.find((pane) => x >= pane.x && x < pane.x + pane.width && y >= pane.y && y < pane.y + pane.height);

/** The terminal size inside a pane: minus the border (2) and the title line (1). */
export const paneInnerSize = (rect: Pick<PaneRect, 'width' | 'height'>): { cols: number; rows: number } => ({
  cols: Math.max(10, rect.width - 2),
  rows: Math.max(3, rect.height - 3),
});
