import { execFile } from 'child_process';
import * as path from 'path';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';

/**
 * Each load of the handler is a cold Lambda: a fresh module, with a fresh SDK client (its retry state, its clock-skew
 * estimate, its sockets), whether the bundled asset or the TypeScript source is loaded. Under jest, `require` goes
 * through jest's own module registry, which `delete require.cache[...]` does not touch, so the load must isolate it.
 */

const ENDPOINT = 'http://127.0.0.1:9';

test.each(['bundle', 'src'] as const)('two loads of the %s give two module instances', (source) => {
  const first = loadBundledHandler(ENDPOINT, 'us-east-1', source);
  const second = loadBundledHandler(ENDPOINT, 'us-east-1', source);

  expect(second).not.toBe(first);
  expect(second.isCompleteHandler).not.toBe(first.isCompleteHandler);
  expect(second.onEventHandler).not.toBe(first.onEventHandler);
});

test('a load does not hand the next one anything it kept at module level', () => {
  const first = loadBundledHandler(ENDPOINT) as unknown as Record<string, unknown>;
  first.keptByTheFirstLoad = true;

  expect((loadBundledHandler(ENDPOINT) as unknown as Record<string, unknown>).keptByTheFirstLoad).toBeUndefined();
});

test('outside jest (bench/ and demo/ under ts-node) two loads give two module instances too', async () => {
  const script = `const { loadBundledHandler } = require('./local-aws/cloudformation/provider-framework');
    const load = (source) => loadBundledHandler('${ENDPOINT}', 'us-east-1', source);
    process.stdout.write(JSON.stringify({ jest: typeof jest, bundle: load('bundle') !== load('bundle'), src: load('src') !== load('src') }));`;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-r', 'ts-node/register', '-e', script], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: 'tsconfig.dev.json', HANDLER_SOURCE: '' },
      timeout: 90_000,
    }, (error, out) => (error ? reject(error) : resolve(out)));
  });

  expect(JSON.parse(stdout)).toEqual({ jest: 'undefined', bundle: true, src: true });
}, 120_000);
