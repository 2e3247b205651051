import fs from 'node:fs';
import path from 'node:path';
import { git } from '../git/exec.js';

/** The demo's change request. */
export const DEMO_CHANGE = 'Add low-stock alerts: flag items below a reorder threshold in the store and in the report';

/** A small Python inventory app, before the change. */
export const SAMPLE_FILES: Record<string, string> = {
  'README.md': `# Inventory

A tiny inventory tool: items, a store that holds them, and a text report.

    python -m inventory.report
`,
  'inventory/__init__.py': '',
  'inventory/models.py': `from dataclasses import dataclass


@dataclass
class Item:
    """One product on the shelf."""

    name: str
    quantity: int
    unit_price: float

    def value(self) -> float:
        return self.quantity * self.unit_price
`,
  'inventory/store.py': `from .models import Item


class Store:
    """All items, by name."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def add(self, item: Item) -> None:
        self.items[item.name] = item

    def remove(self, name: str, quantity: int) -> None:
        self.items[name].quantity -= quantity

    def total_value(self) -> float:
        return sum(item.value() for item in self.items.values())
`,
  'inventory/report.py': `from .models import Item
from .store import Store


def render(store: Store) -> str:
    lines = ["Item        Qty    Value"]
    for item in store.items.values():
        lines.append(f"{item.name:<10} {item.quantity:>5} {item.value():>8.2f}")
    lines.append(f"Total value: {store.total_value():.2f}")
    return "\\n".join(lines)


if __name__ == "__main__":
    store = Store()
    store.add(Item("bolts", 120, 0.10))
    store.add(Item("nuts", 8, 0.05))
    print(render(store))
`,
};

/** The same files after the change, as the demo model writes them (one agent per part). */
export const SAMPLE_EDITS: Record<string, string> = {
  'inventory/models.py': `from dataclasses import dataclass

DEFAULT_REORDER_LEVEL = 10


@dataclass
class Item:
    """One product on the shelf."""

    name: str
    quantity: int
    unit_price: float
    reorder_level: int = DEFAULT_REORDER_LEVEL

    def value(self) -> float:
        return self.quantity * self.unit_price

    def is_low_stock(self) -> bool:
        """True when the shelf holds fewer than reorder_level units."""
        return self.quantity < self.reorder_level
`,
  'inventory/store.py': `from .models import Item


class Store:
    """All items, by name."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def add(self, item: Item) -> None:
        self.items[item.name] = item

    def remove(self, name: str, quantity: int) -> None:
        if quantity > self.items[name].quantity:
            raise ValueError(f"only {self.items[name].quantity} {name} left")
        self.items[name].quantity -= quantity

    def total_value(self) -> float:
        return sum(item.value() for item in self.items.values())

    def low_stock(self) -> list[Item]:
        """Items below their reorder level, fewest first."""
        low = [item for item in self.items.values() if item.quantity < getattr(item, "reorder_level", 10)]
        return sorted(low, key=lambda item: item.quantity)
`,
  'inventory/report.py': `from .models import Item
from .store import Store


def render(store: Store) -> str:
    lines = ["Item        Qty    Value"]
    for item in store.items.values():
        flag = "  LOW" if item.quantity < getattr(item, "reorder_level", 10) else ""
        lines.append(f"{item.name:<10} {item.quantity:>5} {item.value():>8.2f}{flag}")
    lines.append(f"Total value: {store.total_value():.2f}")
    low = [item.name for item in store.items.values() if item.quantity < getattr(item, "reorder_level", 10)]
    if low:
        lines.append("Reorder soon: " + ", ".join(low))
    return "\\n".join(lines)


if __name__ == "__main__":
    store = Store()
    store.add(Item("bolts", 120, 0.10))
    store.add(Item("nuts", 8, 0.05))
    print(render(store))
`,
  'README.md': `# Inventory

A tiny inventory tool: items, a store that holds them, and a text report.

    python -m inventory.report

Items below their reorder level (10 by default) are marked LOW in the report, and
listed under "Reorder soon".
`,
};

/** Creates the sample project as a git repository with one commit. */
export const createSampleProject = async (dir: string): Promise<string> => {
  fs.mkdirSync(dir, { recursive: true });
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'user.name', 'Aider Orchestrator Demo']);
  await git(dir, ['config', 'user.email', 'demo@aider-orchestrator.invalid']);
  for (const [file, content] of Object.entries(SAMPLE_FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'Inventory app']);
  return dir;
};
