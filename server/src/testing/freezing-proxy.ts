import net from 'node:net';

export interface FreezingProxy {
  /** The connection string `target` rewritten to go through the proxy. */
  url: string;
  /** Stops forwarding in both directions; sockets stay open and new connections are still accepted. */
  freeze: () => void;
  /** Forwards again, including what arrived while frozen. */
  thaw: () => void;
  close: () => Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of the PostgreSQL server of `target` (a postgres:// URL) that can freeze:
 * the database then looks alive to the kernel (connections open, bytes accepted) but never answers — what a hung
 * server, a stalled network or a full disk looks like to the application.
 */
export async function startFreezingProxy(target: string): Promise<FreezingProxy> {
  const targetUrl = new URL(target);
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (frozen) socket.pause();
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: targetUrl.hostname, port: Number(targetUrl.port || 5432) });
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    };
    forward(client, upstream);
    forward(upstream, client);
    track(client);
    track(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
