import fs from 'node:fs';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { AIDER_VERSION, managedAiderBin, managedVenvDir } from './aiderBinary.js';

/** aider-chat supports these Python versions. */
const PYTHON_MIN = [3, 10] as const;
const PYTHON_BELOW = [3, 13] as const;

const pythonVersion = async (python: string): Promise<[number, number] | undefined> => {
  const result = await execa(python, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], { reject: false });
  if (result.failed) return undefined;
  const [major, minor] = String(result.stdout).trim().split(' ').map(Number);
  return major !== undefined && minor !== undefined ? [major, minor] : undefined;
};

const inRange = ([major, minor]: [number, number]): boolean =>
  (major > PYTHON_MIN[0] || (major === PYTHON_MIN[0] && minor >= PYTHON_MIN[1])) &&
  (major < PYTHON_BELOW[0] || (major === PYTHON_BELOW[0] && minor < PYTHON_BELOW[1]));

/** Streams a child's output to onProgress line by line. */
const runWithProgress = async (file: string, args: string[], onProgress: (line: string) => void): Promise<void> => {
  const child = execa(file, args, { reject: false, all: true, buffer: { all: true }, lines: false });
  let pending = '';
  child.all?.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString('utf8')).split(/\r?\n|\r/);
    pending = parts.pop() ?? '';
    parts.filter((line) => line.trim()).forEach((line) => onProgress(line));
  });
  const result = await child;
  if (pending.trim()) onProgress(pending);
  if (result.failed) {
    const tail =
      String(result.all ?? '')
        .trim()
        .split('\n')
        .slice(-1)[0] ?? '';
    throw new UserError(`${file} ${args.slice(0, 3).join(' ')} failed (exit ${result.exitCode}): ${tail}; see the output above`);
  }
};

/**
 * `aider-orchestrator setup`: a virtualenv in the data folder with the pinned aider-chat.
 * Returns the aider executable.
 */
export const installAider = async (options: {
  dataDir: string;
  python: string | undefined;
  onProgress(line: string): void;
}): Promise<string> => {
  const python = options.python ?? 'python3';
  const version = await pythonVersion(python);
  if (!version) {
    throw new UserError(`${python} not found: install Python 3.10, 3.11 or 3.12, or pass --python <path>`);
  }
  if (!inRange(version)) {
    throw new UserError(
      `${python} is Python ${version.join('.')}, but aider-chat needs >= 3.10 and < 3.13: pass another one with --python <path>`,
    );
  }
  const venv = managedVenvDir(options.dataDir);
  if (!fs.existsSync(`${venv}/bin/python`)) {
    options.onProgress(`creating the virtualenv ${venv} with Python ${version.join('.')}`);
    fs.mkdirSync(options.dataDir, { recursive: true });
    await runWithProgress(python, ['-m', 'venv', venv], options.onProgress);
  }
  options.onProgress(`installing aider-chat==${AIDER_VERSION} (several hundred MB; this takes a few minutes)`);
  await runWithProgress(
    `${venv}/bin/python`,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', `aider-chat==${AIDER_VERSION}`],
    options.onProgress,
  );
  return managedAiderBin(options.dataDir);
};
