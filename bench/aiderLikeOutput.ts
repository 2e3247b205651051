/**
 * Synthetic output shaped like aider's in a terminal: coloured diff lines, rich-style
 * spinner lines rewritten with `\r`, long wrapped lines, and markdown headings.
 */
export const aiderLikeChunk = (seed: number, bytes: number): string => {
  const parts: string[] = [];
  let size = 0;
  let i = seed;
  while (size < bytes) {
    const kind = i % 6;
    let piece: string;
    if (kind === 0) piece = `\x1b[38;5;${(i * 7) % 256}m+    value_${i} = compute(${i}, factor=${i % 13})\x1b[0m\r\n`;
    else if (kind === 1) piece = `\x1b[31m-    value_${i} = old(${i})\x1b[0m\r\n`;
    else if (kind === 2) piece = `\r${'░█'.repeat(i % 5)}  Waiting for openai/test-model ${i % 100}%   `;
    else if (kind === 3) piece = `\r\n${'lorem ipsum dolor sit amet '.repeat(8)}${i}\r\n`;
    else if (kind === 4) piece = `\x1b[1;38;2;${i % 256};${(i * 3) % 256};200m## Step ${i}\x1b[0m\r\n`;
    else piece = `Tokens: ${(i % 90) / 10}k sent, ${i % 500} received. Cost: $0.0${i % 10} message\r\n`;
    parts.push(piece);
    size += piece.length;
    i += 1;
  }
  return parts.join('');
};
