/** One commit on an agent's branch, as git log gives it. */
export interface CommitInfo {
  hash: string;
  message: string;
}

/** One file changed since the base, with its numstat counts. */
export interface FileChange {
  path: string;
  added: number;
  removed: number;
}
