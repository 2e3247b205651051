import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * A process as the history records a run's owner: its pid and when it started, so a pid the
 * system has since given to another process is not taken for the run.
 */
export interface ProcessIdentity {
  pid: number;
  /** Linux: field 22 of /proc/<pid>/stat (clock ticks after boot); elsewhere `ps -o lstart=`; undefined when unknown. */
  startTime: string | undefined;
}

const hasProc = (): boolean => fs.existsSync('/proc/self/stat');

/**
 * What /proc says of the process: undefined when there is no such process; `'zombie'` for one
 * that has ended but was not yet reaped by its parent.
 */
const procStartTime = (pid: number): string | 'zombie' | undefined => {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ...`: comm may hold spaces and parentheses, so fields count from the last `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' || fields[0] === 'X' ? 'zombie' : fields[19]; // fields[0] is field 3, fields[19] field 22
};

/** When process `pid` started, or undefined when it does not run (or the system cannot say). */
export const processStartTime = (pid: number): string | undefined => {
  if (hasProc()) {
    const start = procStartTime(pid);
    return start === 'zombie' ? undefined : start;
  }
  try {
    return (
      execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() ||
      undefined
    );
  } catch {
    return undefined; // ps exits 1 for a pid that does not exist (or there is no ps)
  }
};

export const thisProcess = (): ProcessIdentity => ({ pid: process.pid, startTime: processStartTime(process.pid) });

const pidExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
};

/**
 * Whether the recorded process still runs: the pid exists, is not a zombie, and (when both are
 * known) started when the record says. Without any start time only the pid is checked.
 */
export const isRunning = (identity: ProcessIdentity): boolean => {
  if (!Number.isInteger(identity.pid) || identity.pid <= 0 || !pidExists(identity.pid)) return false;
  const now = processStartTime(identity.pid);
  if (now === undefined) return !hasProc() && pidExists(identity.pid);
  return identity.startTime === undefined || now === identity.startTime;
};

export const sameProcess = (a: ProcessIdentity, b: ProcessIdentity): boolean => a.pid === b.pid && a.startTime === b.startTime;
