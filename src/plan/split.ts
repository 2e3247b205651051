import path from 'node:path';

export interface SizedFile {
  /** Repo-relative path. */
  path: string;
  /** Bytes; the measure of work used for balancing. */
  size: number;
}

interface Unit {
  files: SizedFile[];
  size: number;
}

const weight = (file: SizedFile) => Math.max(file.size, 1);
const unitOf = (files: SizedFile[]): Unit => ({ files, size: files.reduce((sum, file) => sum + weight(file), 0) });

/** Halves a unit into two units of about equal size (largest files first, to the lighter half). */
const halve = (unit: Unit): [Unit, Unit] => {
  const halves: [SizedFile[], SizedFile[]] = [[], []];
  const sizes = [0, 0];
  for (const file of [...unit.files].sort((a, b) => weight(b) - weight(a))) {
    const lighter = sizes[0]! <= sizes[1]! ? 0 : 1;
    halves[lighter].push(file);
    sizes[lighter]! += weight(file);
  }
  return [unitOf(halves[0]), unitOf(halves[1])];
};

/**
 * Splits files into `groups` groups of about equal total size, keeping a folder's
 * files together unless the folder alone is bigger than one group's fair share
 * (or there are fewer folders than groups). Groups come out non-empty, each sorted by path.
 */
export const splitFiles = (files: readonly SizedFile[], groups: number): SizedFile[][] => {
  const count = Math.max(1, Math.min(groups, files.length));
  if (files.length === 0) return [];
  const byDir = new Map<string, SizedFile[]>();
  for (const file of files) {
    const dir = path.posix.dirname(file.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
  }
  let units = [...byDir.values()].map(unitOf);
  const fairShare = units.reduce((sum, unit) => sum + unit.size, 0) / count;
  // Break up folders that are too big to keep whole, and make at least `count` units.
  for (;;) {
    units.sort((a, b) => b.size - a.size || a.files[0]!.path.localeCompare(b.files[0]!.path));
    const index = units.findIndex((unit) => unit.files.length > 1 && (unit.size > fairShare || units.length < count));
    if (index === -1) break;
    const [a, b] = halve(units[index]!);
    units = [...units.slice(0, index), a, b, ...units.slice(index + 1)];
  }
  // Longest-processing-time first: each unit to the lightest group so far.
  const bins = Array.from({ length: count }, () => ({ files: [] as SizedFile[], size: 0 }));
  for (const unit of units) {
    const lightest = bins.reduce((best, bin) => (bin.size < best.size ? bin : best));
    lightest.files.push(...unit.files);
    lightest.size += unit.size;
  }
  return bins.filter((bin) => bin.files.length > 0).map((bin) => bin.files.sort((a, b) => a.path.localeCompare(b.path)));
};
