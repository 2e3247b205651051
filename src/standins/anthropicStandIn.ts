import http from 'node:http';
import { listenOnLoopback, readBody } from './loopback.js';
import { DEFAULT_COMMIT_MESSAGE, requestKindOf, type RequestKind } from './openaiStandIn.js';

/**
 * A scripted stand-in for Anthropic's Messages API: `POST /v1/messages`, answered as one JSON
 * message or, with `stream: true`, as server-sent events (message_start, content_block_start,
 * ping, content_block_delta, content_block_stop, message_delta, message_stop). It serves what
 * the AI SDK's Anthropic provider sends for the PRD and the plan (structured output as a
 * forced tool, or `output_config.format`) and what aider sends through litellm.
 * Binds 127.0.0.1:0. `url` is the server's root, as ANTHROPIC_API_BASE takes it (litellm
 * appends `/v1/messages`; the app's client adds `/v1`).
 */

export interface RecordedMessagesRequest {
  /** Aider's request kinds (told apart by the system prompt); every other request is a 'turn'. */
  kind: RequestKind;
  model: string;
  stream: boolean;
  /** The system prompt's text. */
  system: string;
  messages: unknown[];
  /** The `x-api-key` header as received. */
  apiKey: string | undefined;
  /** The `anthropic-version` header. */
  version: string | undefined;
  /**
   * How the request asks for structured output: a tool it forces the model to call
   * (`tool_choice` `tool` or `any` with one tool), a JSON schema in `output_config.format`
   * (or the older `output_format`), or neither.
   */
  structured: { tool: string } | { format: unknown } | undefined;
  /** The system prompt and every message's text, joined (handy for matching). */
  text: string;
  body: Record<string, unknown>;
}

export type MessagesReply =
  | {
      text: string;
      delayMs?: number;
      /** Streamed in this many pieces (default: about one per 40 characters, at most 4). */
      chunks?: number;
      /** Pause between streamed pieces. */
      chunkDelayMs?: number;
      /** Stream only: cut the connection after this many pieces. */
      dropAfterChunks?: number;
      /** Default `end_turn`. */
      stopReason?: string;
    }
  | {
      /** Structured output: the forced tool's input, or (without a forced tool) the text, JSON-encoded. */
      json: unknown;
      delayMs?: number;
    }
  | {
      /** HTTP status with Anthropic's body `{type: 'error', error: {type, message}}`. */
      error: number;
      /** Default from the status: 401 authentication_error, 529 overloaded_error... */
      type?: string;
      message?: string;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | { hang: true };

/** Replies to the turns in order (the last repeats), or chosen per request. */
export type MessagesScript = MessagesReply[] | ((request: RecordedMessagesRequest, index: number) => MessagesReply);

export interface AnthropicServer {
  /** `http://127.0.0.1:<port>`: the root, as ANTHROPIC_API_BASE takes it. */
  url: string;
  requests: RecordedMessagesRequest[];
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string, or the text of a list of content blocks. */
const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => (isRecord(block) && typeof block.text === 'string' ? block.text : '')).join('');
};

const structuredOf = (body: Record<string, unknown>): RecordedMessagesRequest['structured'] => {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  if (choice?.type === 'tool' && typeof choice.name === 'string') return { tool: choice.name };
  if (choice?.type === 'any' && tools.length === 1 && typeof tools[0]!.name === 'string') return { tool: tools[0]!.name };
  const config = isRecord(body.output_config) ? body.output_config : undefined;
  const format = config?.format ?? body.output_format;
  return isRecord(format) ? { format } : undefined;
};

const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const splitText = (text: string, pieces: number): string[] => {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, pieces)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
};

const sendError = (response: http.ServerResponse, reply: Extract<MessagesReply, { error: number }>): void => {
  const type = reply.type ?? ERROR_TYPES[reply.error] ?? 'api_error';
  response.writeHead(reply.error, { 'content-type': 'application/json', 'request-id': 'req_scripted', ...reply.headers });
  response.end(
    JSON.stringify({ type: 'error', error: { type, message: reply.message ?? `scripted ${type}` }, request_id: 'req_scripted' }),
  );
};

export const startAnthropicServer = async (
  script: MessagesScript = [{ text: 'Nothing to change.' }],
  options: { commitMessage?: string | ((request: RecordedMessagesRequest) => string) } = {},
): Promise<AnthropicServer> => {
  const requests: RecordedMessagesRequest[] = [];
  let turns = 0;

  const pick = (request: RecordedMessagesRequest): MessagesReply => {
    const index = turns++;
    if (typeof script === 'function') return script(request, index);
    return script[Math.min(index, script.length - 1)] ?? { text: '' };
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      if (req.method !== 'POST' || !/\/v1\/messages(\?|$)/.test(req.url ?? '')) {
        sendError(res, { error: 404, message: `no route ${req.method} ${req.url}` });
        return;
      }
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(raw);
        body = isRecord(parsed) ? parsed : {};
      } catch {
        sendError(res, { error: 400, message: 'the body is not JSON' });
        return;
      }
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const system = textOf(body.system);
      const texts = messages.map((message) => (isRecord(message) ? textOf(message.content) : ''));
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const request: RecordedMessagesRequest = {
        kind: requestKindOf(system, texts.at(-1) ?? ''),
        model: typeof body.model === 'string' ? body.model : '',
        stream: body.stream === true,
        system,
        messages,
        apiKey: header('x-api-key'),
        version: header('anthropic-version'),
        structured: structuredOf(body),
        text: [system, ...texts].join('\n'),
        body,
      };
      requests.push(request);

      const commit = typeof options.commitMessage === 'function' ? options.commitMessage(request) : options.commitMessage;
      const reply: MessagesReply =
        request.kind === 'commit'
          ? { text: commit ?? DEFAULT_COMMIT_MESSAGE }
          : request.kind === 'summary'
            ? { text: 'The user asked for a change; the assistant made it.' }
            : pick(request);
      if ('hang' in reply) return; // close() ends it
      if (reply.delayMs) await wait(reply.delayMs);
      if ('error' in reply) {
        sendError(res, reply);
        return;
      }

      // A JSON reply answers a forced tool with a tool_use block; otherwise it is the text.
      const tool = 'json' in reply && request.structured && 'tool' in request.structured ? request.structured.tool : undefined;
      const text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
      const stopReason = tool ? 'tool_use' : ('stopReason' in reply && reply.stopReason) || 'end_turn';
      const id = `msg_scripted_${requests.length}`;
      const usage = { input_tokens: estimateTokens(request.text), output_tokens: estimateTokens(text) };
      const block = tool
        ? { type: 'tool_use', id: `toolu_scripted_${requests.length}`, name: tool, input: 'json' in reply ? reply.json : {} }
        : { type: 'text', text };

      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_scripted' });
        res.end(
          JSON.stringify({
            id,
            type: 'message',
            role: 'assistant',
            model: request.model,
            content: [block],
            stop_reason: stopReason,
            stop_sequence: null,
            usage,
          }),
        );
        return;
      }

      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_scripted' });
      const send = (event: string, data: Record<string, unknown>) =>
        new Promise<void>((resolve) =>
          res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`, () => resolve()),
        );
      await send('message_start', {
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: request.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
        },
      });
      await send('content_block_start', { index: 0, content_block: tool ? { ...block, input: {} } : { type: 'text', text: '' } });
      await send('ping', {});
      const pieces = splitText(text, 'chunks' in reply && reply.chunks ? reply.chunks : Math.min(4, Math.ceil(text.length / 40)));
      for (const [n, piece] of pieces.entries()) {
        if (n > 0 && 'chunkDelayMs' in reply && reply.chunkDelayMs) await wait(reply.chunkDelayMs);
        if (res.destroyed) return;
        if ('dropAfterChunks' in reply && reply.dropAfterChunks !== undefined && n >= reply.dropAfterChunks) {
          res.socket?.destroy();
          return;
        }
        await send('content_block_delta', {
          index: 0,
          delta: tool ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece },
        });
      }
      await send('content_block_stop', { index: 0 });
      await send('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      });
      await send('message_stop', {});
      res.end();
    })().catch((error: unknown) => {
      // A client that went away mid-reply is expected (timeouts, drops); anything else is a test bug.
      if (!res.destroyed) res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, requests, close };
};
