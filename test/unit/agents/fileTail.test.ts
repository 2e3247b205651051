import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTail } from '../../../src/agents/fileTail.js';
import { makeTempDir } from '../../support/gitRepo.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.cleanup()));
const tempFile = () => {
  const dir = makeTempDir('ao-tail-');
  dirs.push(dir);
  return path.join(dir.dir, 'log.jsonl');
};

describe('lines another process appends', () => {
  it('come once each, complete; an unfinished line waits for its end', () => {
    const file = tempFile();
    const tail = new FileTail(file);
    expect(tail.readLines()).toEqual([]);
    fs.appendFileSync(file, 'one\ntw');
    expect(tail.readLines()).toEqual(['one']);
    expect(tail.readLines()).toEqual([]);
    fs.appendFileSync(file, 'o\nthree\n');
    expect(tail.readLines()).toEqual(['two', 'three']);
  });

  it('skip what the file held before when read from its end', () => {
    const file = tempFile();
    fs.writeFileSync(file, 'an earlier session\n');
    const tail = new FileTail(file, 'end');
    fs.appendFileSync(file, 'this session\n');
    expect(tail.readLines()).toEqual(['this session']);
  });

  it('keep a character whose bytes arrive in two writes', () => {
    const file = tempFile();
    const tail = new FileTail(file);
    const bytes = Buffer.from('café ☕\n');
    fs.appendFileSync(file, bytes.subarray(0, 4));
    expect(tail.readLines()).toEqual([]);
    fs.appendFileSync(file, bytes.subarray(4, 7));
    fs.appendFileSync(file, bytes.subarray(7));
    expect(tail.readLines()).toEqual(['café ☕']);
  });
});
