import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What Construct Hub and npm users get: the compiled library, the bundled assets, the jsii assembly, API.md,
 * README and LICENSE; no tests, no simulator, no demo, no sources.
 */
test('npm pack contains the library, its assets and docs, and nothing else', () => {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  });
  const files: string[] = JSON.parse(output)[0].files.map((f: { path: string }) => f.path).sort();

  for (const required of ['.jsii', 'API.md', 'LICENSE', 'README.md', 'package.json', 'lib/index.js', 'lib/index.d.ts',
    'assets/provider/handler.lambda/index.js', 'assets/cli/drift.cli/index.js', 'assets/cli/main.cli/index.js']) {
    expect(files).toContain(required);
  }
  const unexpected = files.filter((f) => !/^(lib\/.+\.(js|d\.ts)|assets\/.+\/index\.js|\.jsii|API\.md|LICENSE|README\.md|package\.json)$/.test(f));
  expect(unexpected).toEqual([]);
  expect(files.some((f) => /simulator|\.test\.|^test\/|^src\/|^demo\//.test(f))).toBe(false);
});

test('the compiled library carries no source map: stack traces point at lib/*.js, which the package ships, not at src/*.ts', () => {
  const lib = path.join(__dirname, '..', 'lib');
  const files = (fs.readdirSync(lib, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
  expect(files.length).toBeGreaterThan(10);
  expect(files.filter((f) => fs.readFileSync(path.join(lib, f), 'utf8').includes('sourceMappingURL'))).toEqual([]);
});
