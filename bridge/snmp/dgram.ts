import dgram from 'node:dgram';

/**
 * A `dgramModule` for net-snmp's agents and receivers that binds the port asked for: net-snmp turns
 * port 0 into its default (161, 162), so "any free port" would otherwise be impossible. `onSocket`
 * gets the socket, to wait for it to listen (or fail) and to read the port it got.
 */
export function dgramBindingTo(port: number, onSocket: (s: dgram.Socket) => void) {
  return {
    createSocket(type: dgram.SocketType): dgram.Socket {
      const socket = dgram.createSocket(type);
      const bind = socket.bind.bind(socket);
      socket.bind = ((_port: number, address?: string) => bind(port, address)) as typeof socket.bind;
      onSocket(socket);
      return socket;
    },
  };
}

/** Resolves with the bound port once the socket listens; rejects with the bind error. */
export function listening(socket: dgram.Socket): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.once('listening', () => {
      socket.off('error', onError);
      resolve(socket.address().port);
    });
  });
}
