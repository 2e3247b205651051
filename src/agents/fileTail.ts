import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * The complete lines another process appends to a file (aider's analytics log and chat
 * history), read from where the last read stopped. An unfinished last line waits for its end.
 */
export class FileTail {
  private offset: number;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  /** `from: 'end'` skips what the file holds already (an earlier session's lines). */
  constructor(
    readonly file: string,
    from: 'start' | 'end' = 'start',
  ) {
    this.offset = from === 'end' ? sizeOf(file) : 0;
  }

  readLines(): string[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return []; // not written yet
    }
    let text = '';
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const read = fs.readSync(fd, buffer, 0, buffer.length, this.offset);
        if (read <= 0) break;
        this.offset += read;
        text += this.decoder.write(buffer.subarray(0, read));
      }
    } finally {
      fs.closeSync(fd);
    }
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }
}

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};
