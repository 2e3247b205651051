import http from 'node:http';
import { listenOnLoopback, readJsonBody } from './loopback.js';

/**
 * A scripted stand-in for the Gemini REST API (the tests' fake PRD model and the offline
 * demo's provider), speaking what @google/genai v3 sends:
 * `POST /{apiVersion}/models/{model}:generateContent` (JSON) and
 * `POST /{apiVersion}/models/{model}:streamGenerateContent?alt=sse` (SSE).
 * Binds 127.0.0.1:0; give `url` to the SDK as `httpOptions.baseUrl`.
 */

export interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
}

/** One scripted answer. */
export type GeminiReply =
  | {
      /** Model text. Streamed in `chunks` pieces (default 1) for streamGenerateContent. */
      text: string;
      chunks?: number;
      /** Pause between stream chunks (lets a test observe chunks one by one). */
      chunkDelayMs?: number;
      /** Stream only: destroy the connection after this many chunks (a dropped stream). */
      dropAfterChunks?: number;
      finishReason?: string;
      usage?: UsageMetadata;
      /** Latency before the reply starts. */
      delayMs?: number;
    }
  | {
      /** Structured output: sent as the text of one part, JSON-encoded. */
      json: unknown;
      usage?: UsageMetadata;
      delayMs?: number;
    }
  | {
      /** HTTP status with Google's error body `{error: {code, message, status, details}}`. */
      error: number;
      message?: string;
      /** Google status name; defaults from the code (401 → UNAUTHENTICATED, ...). */
      status?: string;
      details?: unknown[];
      /** Adds a google.rpc.RetryInfo detail, e.g. "0.05s" (what Gemini sends with 429s). */
      retryDelay?: string;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | {
      /** Never answer. close() still ends the connection. */
      hang: true;
    };

export interface RecordedRequest {
  method: string;
  /** Path with query string, as received, e.g. `/v1/models/m:streamGenerateContent?alt=sse`. */
  path: string;
  /** Model name from the path (`gemini-2.5-flash`), or '' if the path is not a model call. */
  model: string;
  stream: boolean;
  /** Lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  /** The `x-goog-api-key` header, if any. */
  apiKey: string | undefined;
  /** Parsed JSON body (undefined when the body is not JSON). */
  body: unknown;
  /** Every text part of the request's `contents` and `systemInstruction`, joined by newlines. */
  prompt: string;
}

/** Replies in order (the last one repeats once the list is used up), or chosen per request. */
export type GeminiScript = GeminiReply[] | ((request: RecordedRequest, index: number) => GeminiReply);

export interface GeminiServer {
  /** Base URL for the SDK (`http://127.0.0.1:<port>`); the SDK adds `/v1/models/...` (v1 is the SDK 3 default). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_USAGE: UsageMetadata = { promptTokenCount: 12, candidatesTokenCount: 34, totalTokenCount: 46 };

const MODEL_PATH = /^\/[^/]+\/models\/([^/:?]+):(generateContent|streamGenerateContent)(\?|$)/;

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects `text` fields of `contents[].parts[]` and `systemInstruction.parts[]`. */
const promptOf = (body: unknown): string => {
  if (!isRecord(body)) return '';
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const pieces: unknown[] = [body.systemInstruction, ...contents];
  const texts: string[] = [];
  for (const piece of pieces) {
    if (!isRecord(piece) || !Array.isArray(piece.parts)) continue;
    for (const part of piece.parts) if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
};

/** Splits text into n nearly equal pieces (fewer if the text is shorter). */
const splitText = (text: string, n: number): string[] => {
  const count = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [''];
};

const responseBody = (text: string, last: boolean, usage: UsageMetadata, finishReason: string, model: string): object => ({
  candidates: [
    {
      content: { parts: [{ text }], role: 'model' },
      ...(last ? { finishReason } : {}),
      index: 0,
    },
  ],
  // Gemini sends usage on every chunk; the last one carries the totals.
  usageMetadata: last ? usage : { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount },
  modelVersion: model,
  responseId: 'scripted-response',
});

const sendError = (response: http.ServerResponse, reply: Extract<GeminiReply, { error: number }>): void => {
  const details = [...(reply.details ?? [])];
  if (reply.retryDelay) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: reply.retryDelay });
  }
  const body = {
    error: {
      code: reply.error,
      message: reply.message ?? `scripted error ${reply.error}`,
      status: reply.status ?? STATUS_NAMES[reply.error] ?? 'UNKNOWN',
      ...(details.length > 0 ? { details } : {}),
    },
  };
  response.writeHead(reply.error, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
  response.end(JSON.stringify(body));
};

const sendStream = async (response: http.ServerResponse, reply: Extract<GeminiReply, { text: string }>, model: string): Promise<void> => {
  const pieces = splitText(reply.text, reply.chunks ?? 1);
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [index, piece] of pieces.entries()) {
    if (index > 0 && reply.chunkDelayMs) await wait(reply.chunkDelayMs);
    if (reply.dropAfterChunks !== undefined && index >= reply.dropAfterChunks) {
      response.socket?.destroy();
      return;
    }
    const last = index === pieces.length - 1;
    const event = responseBody(piece, last, reply.usage ?? DEFAULT_USAGE, reply.finishReason ?? 'STOP', model);
    // The real API separates SSE events with CRLF CRLF; the SDK accepts \n\n, \r\r and \r\n\r\n.
    // Wait for the flush, so a chunk written before a scripted drop really reaches the client.
    await new Promise<void>((resolve) => response.write(`data: ${JSON.stringify(event)}\r\n\r\n`, () => resolve()));
  }
  response.end();
};

export const startGeminiServer = async (script: GeminiScript = [{ text: 'OK' }]): Promise<GeminiServer> => {
  const requests: RecordedRequest[] = [];

  const replyFor = (request: RecordedRequest, index: number): GeminiReply => {
    if (typeof script === 'function') return script(request, index);
    const reply = script[Math.min(index, script.length - 1)];
    if (!reply) throw new Error('geminiServer: empty script');
    return reply;
  };

  const server = http.createServer((request, response) => {
    void (async () => {
      const body = await readJsonBody(request);
      const path = request.url ?? '/';
      const match = MODEL_PATH.exec(path);
      const apiKeyHeader = request.headers['x-goog-api-key'];
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path,
        model: match?.[1] ?? '',
        stream: match?.[2] === 'streamGenerateContent',
        headers: request.headers,
        apiKey: Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader,
        body,
        prompt: promptOf(body),
      };
      const index = requests.length;
      requests.push(recorded);

      if (request.method !== 'POST' || !match) {
        sendError(response, { error: 404, message: `no route for ${request.method} ${path}` });
        return;
      }
      const reply = replyFor(recorded, index);
      if ('hang' in reply) return;
      if (reply.delayMs) await wait(reply.delayMs);
      if ('error' in reply) {
        sendError(response, reply);
        return;
      }
      const text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
      if (recorded.stream) {
        await sendStream(response, 'json' in reply ? { text, usage: reply.usage } : reply, recorded.model);
        return;
      }
      const finishReason = 'finishReason' in reply && reply.finishReason ? reply.finishReason : 'STOP';
      response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      response.end(JSON.stringify(responseBody(text, true, reply.usage ?? DEFAULT_USAGE, finishReason, recorded.model)));
    })().catch((error: unknown) => {
      // A client that went away mid-reply is expected (timeouts, drops); anything else is a test bug.
      if (!response.destroyed) {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });

  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, requests, close };
};
