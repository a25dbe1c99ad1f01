import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { DescribeReplicatorCommand } from '@aws-sdk/client-kafka';
import { kafkaClient, REQUEST_TIMEOUT_MS } from '../src/provider/kafka-client';

/**
 * A response whose headers arrive and whose body then stalls. The SDK's request timeout stops when the headers arrive
 * (@smithy/node-http-handler 4.14 `handle`: `resolve` runs `clearTimeouts()` as soon as the `response` callback fires),
 * and no socket timeout applies unless one is configured (`socketTimeout`; the SDK's service default of 300 s is only
 * switched on by AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026=true, @aws-sdk/core client `getDefaultSocketTimeout`). Without
 * one, the body read waits forever: the call holds the function until Lambda stops it, which the Provider framework
 * turns into an immediate FAILED, and one call is not bounded by CALL_BOUND_MS. A raw server here, because the
 * simulator answers whole responses.
 */

const ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/x/1';
const DESCRIBED = JSON.stringify({ replicatorArn: ARN, replicatorName: 'x', replicatorState: 'RUNNING', currentVersion: 'K1' });

let server: Server;
let answer: (req: IncomingMessage, res: ServerResponse) => void;
const stalled: ServerResponse[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_KAFKA: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
  });
  delete process.env.AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026;
});
afterAll(async () => {
  process.env = saved;
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Headers and the first bytes of the body, then nothing more (the connection stays open). */
function stallBody(res: ServerResponse) {
  stalled.push(res);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(DESCRIBED.length) });
  res.write(DESCRIBED.slice(0, 10));
}

/** The call's outcome, or 'still waiting' when it has not ended after `ms` of real time. */
async function within<T>(call: Promise<T>, ms: number): Promise<T | Error | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still waiting'>((resolve) => { timer = setTimeout(() => resolve('still waiting'), ms); });
  try {
    return await Promise.race([call.catch((error: Error) => error), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Issue 18, defect 6 (the call bound): no timeout covered the body after the headers; the call never ended (failed before attempt-deadline.ts).
test('an attempt whose body stalls after its headers ends within the request timeout and is retried', async () => {
  let attempts = 0;
  answer = (_req, res) => {
    if (++attempts === 1) return stallBody(res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(DESCRIBED);
  };
  const client = kafkaClient();
  const started = Date.now();

  const outcome = await within(client.send(new DescribeReplicatorCommand({ ReplicatorArn: ARN })), 3 * REQUEST_TIMEOUT_MS);

  client.destroy();
  expect(outcome).not.toBe('still waiting');
  expect(outcome).toMatchObject({ ReplicatorArn: ARN, CurrentVersion: 'K1', $metadata: { attempts: 2 } });
  expect(attempts).toBe(2);
  // the stalled attempt waited out one request timeout, the retry answered at once
  expect(Date.now() - started).toBeLessThan(2 * REQUEST_TIMEOUT_MS);
}, 30_000);

// Issue 18, defect 6 (the call bound): a body that trickles in (a byte a second, never 5 s of silence) is not
// bounded by an inactivity timeout either; only a deadline on the whole attempt bounds it (failed before).
test('an attempt whose body trickles in ends within the request timeout and is retried', async () => {
  let attempts = 0;
  const trickles: NodeJS.Timeout[] = [];
  answer = (_req, res) => {
    if (++attempts > 1) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(DESCRIBED);
      return;
    }
    stalled.push(res);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(DESCRIBED.length) });
    let sent = 0;
    trickles.push(setInterval(() => { if (sent < DESCRIBED.length && !res.destroyed) res.write(DESCRIBED[sent++]); }, 1_000));
  };
  const client = kafkaClient();
  const started = Date.now();

  const outcome = await within(client.send(new DescribeReplicatorCommand({ ReplicatorArn: ARN })), 3 * REQUEST_TIMEOUT_MS);

  client.destroy();
  for (const t of trickles) clearInterval(t);
  expect(outcome).not.toBe('still waiting');
  expect(outcome).toMatchObject({ ReplicatorArn: ARN, $metadata: { attempts: 2 } });
  expect(Date.now() - started).toBeLessThan(2 * REQUEST_TIMEOUT_MS);
}, 30_000);
