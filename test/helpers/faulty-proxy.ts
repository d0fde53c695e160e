// A TCP proxy in front of an HTTP server (s3rver) that breaks the answers to GET requests after
// their headers, the way a reset or stalled connection does: 'cut' closes the connection once the
// headers and a few bytes of the body are through; 'stall' stops forwarding there and keeps the
// connection open. Only the first `breaks` GET answers are broken; everything else passes as is.
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface FaultyProxy {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** GET requests seen. */
  readonly gets: number;
  /** GET answers broken so far. */
  readonly broken: number;
  close(): Promise<void>;
}

/** Bytes of the body let through before the fault. */
const BODY_BYTES_THROUGH = 8;

export async function startFaultyProxy(
  target: string,
  fault: 'cut' | 'stall',
  breaks: number,
): Promise<FaultyProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let gets = 0;
  let broken = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A peer that goes away is the end of this connection, not an error of the proxy.
    socket.on('error', () => {});
    return socket;
  };

  const server = createServer((client) => {
    track(client);
    const upstream = track(createConnection({ host: hostname, port: Number(port) }));
    // Set when a GET's answer is to be broken; reset once it has been.
    let breakAnswer = false;
    let answer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 4).toString('latin1') === 'GET ') {
        gets += 1;
        if (broken < breaks) {
          broken += 1;
          breakAnswer = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!breakAnswer) {
        client.write(chunk);
        return;
      }
      answer = Buffer.concat([answer, chunk]);
      const headersEnd = answer.indexOf('\r\n\r\n');
      if (headersEnd < 0) return;
      breakAnswer = false;
      client.write(answer.subarray(0, headersEnd + 4 + BODY_BYTES_THROUGH));
      answer = Buffer.alloc(0);
      if (fault === 'cut') {
        client.destroy();
        upstream.destroy();
      } else {
        upstream.pause();
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get gets() {
      return gets;
    },
    get broken() {
      return broken;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
