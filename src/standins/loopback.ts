import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts a stand-in on 127.0.0.1 at a free port. `close()` ends hanging requests and keep-alive
 * sockets first: they would otherwise keep it waiting forever.
 */
export const listenOnLoopback = async (server: http.Server): Promise<{ port: number; close(): Promise<void> }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

/** A request's whole body, as text. */
export const readBody = async (request: http.IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** A request's body as JSON; undefined when it is empty or not JSON (the stand-in answers that itself). */
export const readJsonBody = async (request: http.IncomingMessage): Promise<unknown> => {
  const raw = await readBody(request);
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
};
