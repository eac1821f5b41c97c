/**
 * Probes of a local server's port for the install scripts, which run before `npm ci` and so use only
 * Node's own modules: a free port to start it on, waiting until it listens, and one gRPC round trip.
 */
import http2 from 'node:http2';
import net from 'node:net';

/** One unary gRPC call with an empty request message; any gRPC status is fine, only the round trip matters. */
export function grpcCall(port, method) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`${method} got no answer within 30 s`));
    }, 30_000);
    session.on('error', (error) => {
      clearTimeout(timer);
      session.destroy();
      reject(error);
    });
    const req = session.request({
      ':method': 'POST',
      ':path': method,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    req.on('error', () => {});
    req.on('data', () => {});
    req.on('close', () => {
      clearTimeout(timer);
      session.close();
      resolve();
    });
    req.end(Buffer.from([0, 0, 0, 0, 0])); // uncompressed frame of length 0: an empty message
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, timeoutMs, exited) {
  let gone;
  exited.then((exit) => {
    gone = exit;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server exited early (${gone.signal ?? `code ${gone.code}`})`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await delay(100);
  }
  throw new Error(`the server did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
