import { Lexer, type Token, type Tokens } from 'marked';
import { type Segment, type StyledRow, rowWidth, textWidth, wrapCode, wrapWords } from './styledText.js';

type Style = Omit<Segment, 'text'>;

const HEADING_STYLE: Record<number, Style> = {
  1: { bold: true, underline: true, fg: 'cyan' },
  2: { bold: true, fg: 'cyan' },
  3: { bold: true },
};
const CODE_STYLE: Style = { fg: 'yellow' };
const DIM: Style = { dim: true };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };
const decode = (text: string): string => text.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '');

/**
 * Inline tokens as styled text, split at hard line breaks (`br`). Soft line breaks inside a
 * paragraph are spaces: the wrapper decides where lines end.
 */
const inline = (tokens: readonly Token[] | undefined, style: Style = {}): StyledRow[] => {
  const lines: StyledRow[] = [[]];
  const add = (text: string, extra: Style = {}) => {
    if (text) lines.at(-1)!.push({ text: text.replace(/\n/g, ' '), ...style, ...extra });
  };
  const nested = (children: readonly Token[] | undefined, extra: Style) => {
    const [first = [], ...rest] = inline(children, { ...style, ...extra });
    lines.at(-1)!.push(...first);
    lines.push(...rest);
  };
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
        nested((token as Tokens.Strong).tokens, { bold: true });
        break;
      case 'em':
        nested((token as Tokens.Em).tokens, { italic: true });
        break;
      case 'del':
        nested((token as Tokens.Del).tokens, { strikethrough: true });
        break;
      case 'codespan':
        add(decode((token as Tokens.Codespan).text), CODE_STYLE);
        break;
      case 'link': {
        const link = token as Tokens.Link;
        nested(link.tokens, { underline: true });
        if (link.href && link.href !== link.text && !link.href.startsWith('#')) add(` (${link.href})`, DIM);
        break;
      }
      case 'image':
        add(`[image: ${(token as Tokens.Image).text}]`, DIM);
        break;
      case 'br':
        lines.push([]);
        break;
      case 'text': {
        const text = token as Tokens.Text;
        if (text.tokens) nested(text.tokens, {});
        else add(decode(text.text));
        break;
      }
      default:
        add(decode('text' in token && typeof token.text === 'string' ? token.text : token.raw));
    }
  }
  return lines;
};

/** Wraps rows to `width` behind a first-line prefix and a continuation prefix of the same width. */
const withPrefix = (rows: StyledRow[], first: StyledRow, rest: StyledRow): StyledRow[] =>
  rows.map((row, i) => [...(i === 0 ? first : rest), ...row]);

const paragraph = (tokens: readonly Token[] | undefined, width: number, style: Style = {}): StyledRow[] =>
  inline(tokens, style).flatMap((line) => wrapWords(line, width));

const table = (token: Tokens.Table, width: number): StyledRow[] => {
  const cell = (c: Tokens.TableCell, header: boolean) => inline(c.tokens, header ? { bold: true } : {}).flat();
  const header = token.header.map((c) => cell(c, true));
  const rows = token.rows.map((row) => row.map((c) => cell(c, false)));
  const widths = header.map((h, i) => Math.max(rowWidth(h), ...rows.map((row) => (row[i] ? rowWidth(row[i]) : 0))));
  const separator = ' │ ';
  const total = widths.reduce((sum, w) => sum + w, 0) + separator.length * (widths.length - 1);
  if (total <= width) {
    const line = (cells: StyledRow[]) =>
      cells.flatMap((c, i) => [...(i > 0 ? [{ text: separator, ...DIM }] : []), ...c, { text: ' '.repeat(widths[i]! - rowWidth(c)) }]);
    return [line(header), [{ text: widths.map((w) => '─'.repeat(w)).join('─┼─'), ...DIM }], ...rows.map(line)];
  }
  // Too wide for the window: one "header: value" line per cell, rows apart.
  return rows.flatMap((row, r) => [
    ...(r > 0 ? [[]] : []),
    ...row.flatMap((c, i) => wrapWords([...(header[i] ?? []), { text: ': ' }, ...c], width)),
  ]);
};

const list = (token: Tokens.List, width: number, depth: number): StyledRow[] => {
  const start = typeof token.start === 'number' ? token.start : 1;
  const markers = token.items.map((item, i) =>
    token.ordered ? `${start + i}.` : item.task ? (item.checked ? '☑' : '☐') : depth % 2 === 0 ? '•' : '◦',
  );
  const markerWidth = Math.max(...markers.map(textWidth)) + 1;
  return token.items.flatMap((item, i) => {
    const marker = markers[i]!;
    const body = blocks(item.tokens, width - markerWidth, depth + 1, item.loose);
    const bodyRows = body.length > 0 ? body : [[]];
    const bullet = { text: marker + ' '.repeat(markerWidth - textWidth(marker)), ...(token.ordered ? {} : { fg: 'cyan' }) };
    const rows = withPrefix(bodyRows, [bullet], [{ text: ' '.repeat(markerWidth) }]);
    return token.loose && i > 0 ? [[], ...rows] : rows;
  });
};

/** Block tokens as rows of at most `width` cells, a blank row between blocks (tight list items have none). */
const blocks = (tokens: readonly Token[], width: number, depth = 0, loose = true): StyledRow[] => {
  const out: StyledRow[] = [];
  const push = (rows: StyledRow[]) => {
    if (rows.length === 0) return;
    if (out.length > 0 && loose) out.push([]);
    out.push(...rows);
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        break;
      case 'heading': {
        const heading = token as Tokens.Heading;
        push(paragraph(heading.tokens, width, HEADING_STYLE[heading.depth] ?? { bold: true }));
        break;
      }
      case 'paragraph':
        push(paragraph((token as Tokens.Paragraph).tokens, width));
        break;
      case 'text': {
        // A tight list item's text: no blank line before it.
        const text = token as Tokens.Text;
        const rows = text.tokens ? paragraph(text.tokens, width) : wrapWords([{ text: decode(text.text) }], width);
        if (out.length > 0 && loose) out.push([]);
        out.push(...rows);
        break;
      }
      case 'list': {
        const rows = list(token as Tokens.List, width, depth);
        // A nested list sits right under its item's text.
        if (out.length > 0 && loose && depth === 0) out.push([]);
        out.push(...rows);
        break;
      }
      case 'code': {
        const code = token as Tokens.Code;
        const lines = code.text
          .split('\n')
          .flatMap((line) => wrapCode(line, width - 2).map((piece): StyledRow => [{ text: piece || ' ', ...CODE_STYLE }]));
        push(withPrefix(lines, [{ text: '  ' }], [{ text: '  ' }]));
        break;
      }
      case 'blockquote': {
        const quote = blocks((token as Tokens.Blockquote).tokens, width - 2, depth);
        const bar = { text: '│ ', ...DIM };
        push(quote.map((row) => [bar, ...row.map((segment) => ({ ...segment, italic: true }))]));
        break;
      }
      case 'hr':
        push([[{ text: '─'.repeat(Math.max(1, width)), ...DIM }]]);
        break;
      case 'table':
        push(table(token as Tokens.Table, width));
        break;
      case 'html':
        push(wrapWords([{ text: (token as Tokens.HTML).text.trim(), ...DIM }], width));
        break;
      default:
        push(wrapWords([{ text: token.raw.trim() }], width));
    }
  }
  return out;
};

/**
 * Markdown as styled rows at most `width` cells wide: headings, lists, emphasis, code, quotes,
 * tables and rules drawn for a terminal, words wrapped whole. Parsed by `marked`'s lexer.
 */
export const renderMarkdown = (text: string, width: number): StyledRow[] => blocks(new Lexer({ gfm: true }).lex(text), Math.max(10, width));
