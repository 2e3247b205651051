import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/**
 * A scripted stand-in for an OpenAI-compatible API (the tests' fake model and the offline
 * demo's provider), serving what aider (through litellm)
 * sends: `POST /v1/chat/completions`, streamed as SSE chunks or as one JSON completion.
 * Binds 127.0.0.1:0; give aider `url` as OPENAI_API_BASE and `--model openai/<name>`.
 */

/** What aider asked for, told apart by the system message (docs/aider-facts.md). */
export type RequestKind = 'turn' | 'commit' | 'summary';

export interface ChatMessage {
  role: string;
  content?: unknown;
}

export interface RecordedChatRequest {
  kind: RequestKind;
  model: string;
  stream: boolean;
  messages: ChatMessage[];
  /** The Authorization header as received. */
  authorization: string | undefined;
  /** The request's `response_format` (structured output: `{type: 'json_schema', json_schema}`), if any. */
  responseFormat: unknown;
  /** Every message's text, joined (handy for matching). */
  text: string;
}

export type ChatReply =
  | {
      text: string;
      delayMs?: number;
      usage?: { prompt_tokens: number; completion_tokens: number };
      /** Streamed in this many pieces (default: about one per 40 characters, at most 4). */
      chunks?: number;
      /** Pause between streamed pieces: a model's typing speed. */
      chunkDelayMs?: number;
      /** Stream only: cut the connection after this many pieces (a dropped stream). */
      dropAfterChunks?: number;
    }
  | {
      /** Structured output: the content is this value, JSON-encoded. */
      json: unknown;
      delayMs?: number;
    }
  | { error: number; message?: string; delayMs?: number; headers?: Record<string, string> }
  | { hang: true };

/** Turn replies in order (the last repeats), or chosen per request. */
export type ChatScript = ChatReply[] | ((request: RecordedChatRequest, index: number) => ChatReply | Promise<ChatReply>);

export interface OpenAiServer {
  /** `http://127.0.0.1:<port>/v1` */
  url: string;
  requests: RecordedChatRequest[];
  close(): Promise<void>;
}

export const DEFAULT_COMMIT_MESSAGE = 'feat: scripted change';

/** Aider's `whole` edit format: the path on its own line, then the complete new file in a fence. */
export const wholeFileEdit = (file: string, content: string, lang = ''): string =>
  `${file}\n\`\`\`${lang}\n${content.endsWith('\n') ? content : `${content}\n`}\`\`\`\n`;

const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : '')).join('');
  }
  return '';
};

/** Which of aider's requests this is, from its system prompt and its last message. */
export const requestKindOf = (system: string, lastMessage: string): RequestKind => {
  if (system.includes('generates concise, one-line Git commit messages')) return 'commit';
  if (/\*Briefly\* summarize/.test(system) || /\*Briefly\* summarize/.test(lastMessage)) return 'summary';
  return 'turn';
};

const kindOf = (messages: ChatMessage[]): RequestKind => {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => textOf(message.content))
    .join('\n');
  return requestKindOf(system, textOf(messages.at(-1)?.content));
};

/** Rough token count, so usage numbers move with the request like a real API's. */
const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const startOpenAiServer = async (
  script: ChatScript = [{ text: 'Nothing to change.' }],
  options: { commitMessage?: string | ((request: RecordedChatRequest) => string) } = {},
): Promise<OpenAiServer> => {
  const requests: RecordedChatRequest[] = [];
  const sockets = new Set<Socket>();
  let turns = 0;

  const pick = (request: RecordedChatRequest): ChatReply | Promise<ChatReply> => {
    const index = turns++;
    if (typeof script === 'function') return script(request, index);
    return script[Math.min(index, script.length - 1)] ?? { text: '' };
  };

  const completion = (model: string, content: string, usage: { prompt_tokens: number; completion_tokens: number }) => ({
    id: `chatcmpl-${requests.length}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
          return;
        }
        const parsed = JSON.parse(body) as { model?: string; stream?: boolean; messages?: ChatMessage[]; response_format?: unknown };
        const messages = parsed.messages ?? [];
        const request: RecordedChatRequest = {
          kind: kindOf(messages),
          model: parsed.model ?? '',
          stream: parsed.stream === true,
          messages,
          authorization: req.headers.authorization,
          responseFormat: parsed.response_format,
          text: messages.map((message) => textOf(message.content)).join('\n'),
        };
        requests.push(request);
        const model = request.model;
        const scripted: ChatReply =
          request.kind === 'commit'
            ? {
                text:
                  (typeof options.commitMessage === 'function' ? options.commitMessage(request) : options.commitMessage) ??
                  DEFAULT_COMMIT_MESSAGE,
              }
            : request.kind === 'summary'
              ? { text: 'The user asked for a change; the assistant made it.' }
              : await pick(request);
        if ('hang' in scripted) return; // close() ends it
        const reply = 'json' in scripted ? { text: JSON.stringify(scripted.json), delayMs: scripted.delayMs } : scripted;
        if (reply.delayMs) await sleep(reply.delayMs);
        if ('error' in reply) {
          res.writeHead(reply.error, { 'content-type': 'application/json', ...reply.headers });
          res.end(
            JSON.stringify({
              error: { message: reply.message ?? `scripted error ${reply.error}`, type: 'server_error', code: reply.error },
            }),
          );
          return;
        }
        const usage = reply.usage ?? { prompt_tokens: estimateTokens(request.text), completion_tokens: estimateTokens(reply.text) };
        if (!request.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(completion(model, reply.text, usage)));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
        const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
          send({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion.chunk',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [{ index: 0, delta, finish_reason: finish }],
            ...extra,
          });
        const pieces = reply.chunks ?? Math.min(4, Math.max(1, Math.ceil(reply.text.length / 40)));
        const size = Math.max(1, Math.ceil(reply.text.length / pieces));
        chunk({ role: 'assistant', content: '' }, null);
        for (let i = 0, n = 0; i < reply.text.length; i += size, n++) {
          if ('chunkDelayMs' in reply && reply.chunkDelayMs && i > 0) await sleep(reply.chunkDelayMs);
          if (res.destroyed) return;
          if ('dropAfterChunks' in reply && reply.dropAfterChunks !== undefined && n >= reply.dropAfterChunks) {
            // Wait for the pieces sent so far to reach the client, then cut the connection.
            await new Promise<void>((resolve) => res.write('', () => resolve()));
            res.socket?.destroy();
            return;
          }
          chunk({ content: reply.text.slice(i, i + size) }, null);
        }
        chunk({}, 'stop', { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
        res.end('data: [DONE]\n\n');
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
