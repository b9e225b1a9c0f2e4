/**
 * Every ```ts block of every README compiles under the project's strict TypeScript settings, against the packages'
 * real types (`@perfkit/*` mapped to their sources). A sample a user copies must not start with a type error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { ensureBuilt, REPO_ROOT } from '../helpers';

interface Block {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
  /** Declarations from a `<!-- ts-prelude ... -->` comment right above the block (what a fragment assumes). */
  readonly prelude?: string;
}

function readmes(dir: string, depth = 0): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist' || entry.name === 'tools') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth < 3) out.push(...readmes(full, depth + 1));
    else if (entry.isFile() && entry.name === 'README.md') out.push(full);
  }
  return out;
}

/** The ```ts / ```typescript blocks of a Markdown file, with the line each starts on. */
export function typescriptBlocks(readme: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const prelude = preludeAbove(lines, i);
    blocks.push({ readme, line: start + 1, code: lines.slice(start, end).join('\n'), ...(prelude ? { prelude } : {}) });
    i = end;
  }
  return blocks;
}

/** The text of a `<!-- ts-prelude ... -->` comment ending on the line above `fence` (blank lines allowed). */
function preludeAbove(lines: readonly string[], fence: number): string | undefined {
  let j = fence - 1;
  while (j >= 0 && lines[j]!.trim() === '') j--;
  if (j < 0 || !lines[j]!.trim().endsWith('-->')) return undefined;
  let k = j;
  while (k >= 0 && !lines[k]!.includes('<!-- ts-prelude')) k--;
  if (k < 0) return undefined;
  return lines.slice(k, j + 1).join('\n').replace(/^[\s\S]*?<!-- ts-prelude/, '').replace(/-->\s*$/, '');
}

const blocks = readmes(REPO_ROOT).flatMap((file) => typescriptBlocks(path.relative(REPO_ROOT, file), fs.readFileSync(file, 'utf8')));

describe('TypeScript samples of the READMEs', () => {
  it('finds the samples (the main README and every package README have some)', () => {
    const files = new Set(blocks.map((b) => b.readme));
    for (const f of ['README.md', 'packages/core/README.md', 'packages/dashboard/README.md', 'packages/sla/README.md']) expect(files).toContain(f);
  });

  it('compiles every block under strict TypeScript', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-readme-ts-'));
    try {
      // Against the packages' declarations (type-checking their sources again would take a minute).
      ensureBuilt('examples/model-service', 'main.js');
      const files = blocks.map((b, i) => {
        const file = path.join(dir, `block-${i}.ts`);
        // A module of its own (top-level await, no clashes between blocks).
        // The prelude goes on the block's first line, so error lines still point into the README.
        fs.writeFileSync(file, `${(b.prelude ?? '').replace(/\n/g, ' ')}${b.code}\nexport {};\n`);
        return file;
      });
      // A block with a known error goes through the same program: the check must catch it.
      const canary = path.join(dir, 'canary.ts');
      fs.writeFileSync(canary, "import { createPerfkit } from '@perfkit/core';\nconst n: number = createPerfkit().config.serviceName;\nexport { n };\n");
      const options: ts.CompilerOptions = {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2022.d.ts'],
        types: ['node'],
        typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
        strict: true,
        noImplicitReturns: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        baseUrl: REPO_ROOT,
        paths: { '@perfkit/*': ['packages/*/dist/index.d.ts'], '*': ['node_modules/*', 'node_modules/@types/*'] },
      };
      const program = ts.createProgram([...files, canary], options);
      const canaryProblems = ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.normalize(d.file.fileName) === canary);
      expect(canaryProblems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([expect.stringMatching(/Type 'string' is not assignable to type 'number'/)]);
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(path.normalize(d.file.fileName)))
        .map((d) => {
          const i = files.indexOf(path.normalize(d.file!.fileName));
          const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          return `${blocks[i]!.readme}:${blocks[i]!.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('extracts blocks with the line they start on', () => {
    expect(typescriptBlocks('x.md', 'text\n```ts\nconst n: number = "no";\n```\n')).toEqual([{ readme: 'x.md', line: 3, code: 'const n: number = "no";' }]);
    const withPrelude = typescriptBlocks('y.md', '<!-- ts-prelude\ndeclare const x: number;\n-->\n\n```ts\nx;\n```\n');
    expect(withPrelude).toEqual([{ readme: 'y.md', line: 6, code: 'x;', prelude: '\ndeclare const x: number;\n' }]);
  });
});
