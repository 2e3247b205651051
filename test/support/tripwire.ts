import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A server nobody should reach: it counts every connection and request (any path), and answers 500. */
export interface Tripwire {
  /** `http://127.0.0.1:<port>/v1` */
  url: string;
  /** TCP connections accepted (a bare connect, like the app's endpoint check, counts). */
  connections: number;
  /** HTTP requests, as `METHOD path authorization`. */
  requests: string[];
  close(): Promise<void>;
}

export const startTripwire = async (): Promise<Tripwire> => {
  const sockets = new Set<Socket>();
  const wire = { connections: 0, requests: [] as string[] };
  const server = http.createServer((request, response) => {
    wire.requests.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
    response.writeHead(500).end('tripwire');
  });
  server.on('connection', (socket: Socket) => {
    wire.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get connections() {
      return wire.connections;
    },
    get requests() {
      return wire.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
