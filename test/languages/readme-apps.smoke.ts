import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './smoke-layout';

/**
 * The smoke apps' sources follow the README: the TypeScript app holds its complete app and active-active example, the
 * Python app their jsii-rosetta translations. Run by `npx projen test:languages`, after the build wrote .jsii.tabl.json.
 */

const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

describe('the smoke apps follow the README', () => {
  function readmeBlock(heading: string, fence: string): string {
    const section = README.slice(README.indexOf(heading));
    const match = new RegExp(`${fence}\\n([\\s\\S]*?)\`\`\``).exec(section);
    if (!match) throw new Error(`README: no ${fence} block under "${heading}"`);
    return match[1];
  }
  const withoutSynth = (code: string) => code.replace(/\napp\.synth\(\);?\n$/, '\n');

  test('the TypeScript app holds the complete app (up to its app.synth()) and the active-active example as written', () => {
    const app = fs.readFileSync(path.join(__dirname, 'typescript', 'app.ts'), 'utf8');
    const body = (code: string) => code.split('\n').filter((line) => !line.startsWith('import ')).join('\n');
    expect(app).toContain(body(withoutSynth(readmeBlock('## A complete app', '```ts nofixture'))).trim());
    expect(app).toContain(readmeBlock('### Active-active', '```ts').trim());
  });

  test('the Python app holds the jsii-rosetta translations of both, as Construct Hub shows them', () => {
    const tablet = JSON.parse(fs.readFileSync(path.join(REPO, '.jsii.tabl.json'), 'utf8')) as {
      snippets: Record<string, { translations: Record<string, { source: string }> }>;
    };
    const python = (typescript: string) => Object.values(tablet.snippets)
      .find((s) => s.translations.$.source.trim() === typescript.trim())?.translations.python.source;
    const app = fs.readFileSync(path.join(__dirname, 'python', 'app.py'), 'utf8');
    const complete = python(readmeBlock('## A complete app', '```ts nofixture'));
    const activeActive = python(readmeBlock('### Active-active', '```ts'));
    expect(complete).toBeDefined();
    expect(activeActive).toBeDefined();
    expect(app).toContain(withoutSynth(`${complete!.trim()}\n`).trim());
    expect(app).toContain(activeActive!.trim());
  });
});
