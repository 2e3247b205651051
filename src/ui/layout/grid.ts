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

/** Columns × rows of the grid for n visible panes: 1 full, 2 side by side, 3-4 2×2, 5-6 3×2. */
const shape = (visible: number, width: number): [number, number] => {
  if (visible <= 1) return [1, 1];
  if (visible === 2) return width >= 100 ? [2, 1] : [1, 2];
  if (visible <= 4) return [2, 2];
  return [3, 2];
};

/**
 * Pane rectangles for `count` agents in a width × height area. At most 6 panes are
 * shown (4 in narrow windows); the page that holds the selected agent is the one shown.
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
  const [cols, rows] = shape(perPage, width);
  const panes = visible.map((agent, i) => {
    const col = i % cols;
    const row = Math.floor(i / cols);
    const x = Math.floor((col * width) / cols);
    const y = Math.floor((row * gridHeight) / rows);
    return {
      agent,
      x,
      y,
      width: Math.floor(((col + 1) * width) / cols) - x,
      height: Math.floor(((row + 1) * gridHeight) / rows) - y,
    };
  });
  return { panes, hidden: [...Array(count).keys()].filter((i) => !visible.includes(i)) };
};

/** The terminal size inside a pane: minus the border (2) and the title line (1). */
export const paneInnerSize = (rect: Pick<PaneRect, 'width' | 'height'>): { cols: number; rows: number } => ({
  cols: Math.max(10, rect.width - 2),
  rows: Math.max(3, rect.height - 3),
});
