import { createSocket } from 'node:dgram';

/**
 * Is anything listening on a UDP port? SNMP over UDP gives no answer at all to a closed port, so a
 * plain request waits out the whole timeout. A *connected* UDP socket, though, learns of the ICMP
 * "port unreachable" the host sends back (ECONNREFUSED): a closed port on a reachable host is known in
 * milliseconds. The datagram sent is one byte, which no agent answers or acts on (not even an SNMP
 * message, so no community goes out). A firewall that drops silently looks like an open port here; the
 * SNMP request then times out as usual.
 */
export function udpPortRefused(host: string, port: number, waitMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let done = false;
    const finish = (refused: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(refused);
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED'));
    socket.connect(port, host, () => {
      socket.send(Buffer.from([0]), (err) => {
        if (err) finish((err as NodeJS.ErrnoException).code === 'ECONNREFUSED');
      });
    });
  });
}
