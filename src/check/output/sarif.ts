// `--output-format sarif`: SARIF 2.1.0 for code-scanning UIs, with every rule's documentation as metadata (the
// same text `vecprof rule` prints) and columns declared as code points.
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { packageVersion } from '../../paths.js';
import { allCodes, type CodeInfo } from '../builtin-codes.js';
import type { Finding } from '../types.js';
import type { RenderInput } from './index.js';

function ruleDescriptor(c: CodeInfo): Record<string, unknown> {
  const markdown =
    `## What it does\n${c.doc.whatItDoes}\n\n## Why is it slow\n${c.doc.whyIsItSlow}\n\n` +
    `## Example\n\`\`\`python\n${c.doc.example}\n\`\`\`\n\n## Use instead\n\`\`\`python\n${c.doc.useInstead}\n\`\`\`\n`;
  return {
    id: c.code,
    name: c.name,
    shortDescription: { text: c.summary },
    fullDescription: { text: c.doc.whatItDoes },
    help: { text: `${c.doc.whatItDoes}\n\n${c.doc.whyIsItSlow}`, markdown },
    defaultConfiguration: { level: c.code.startsWith('E') ? 'error' : 'warning' },
    properties: { tags: [c.code.startsWith('E') ? 'input' : 'performance'] },
  };
}

function artifactUri(path: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function result(f: Finding, index: Map<string, number>): Record<string, unknown> {
  const message = f.cell === undefined ? f.message : `cell ${f.cell}: ${f.message}`;
  const out: Record<string, unknown> = {
    ruleId: f.code,
    level: f.code.startsWith('E') ? 'error' : 'warning',
    message: { text: f.fix ? `${message}\nFix: ${f.fix.replacement}` : message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactUri(f.path),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
  };
  const ruleIndex = index.get(f.code);
  if (ruleIndex !== undefined) out.ruleIndex = ruleIndex;
  const properties: Record<string, unknown> = {};
  if (f.cell !== undefined) properties.cell = f.cell;
  if (f.symbol !== undefined) properties.symbol = f.symbol;
  if (f.loop !== undefined) properties.loop = f.loop;
  if (f.fix !== undefined) properties.fix = f.fix;
  if (Object.keys(properties).length) out.properties = properties;
  return out;
}

export function renderSarif(input: RenderInput): string {
  const codes = allCodes();
  const index = new Map(codes.map((c, i) => [c.code, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vecprof',
            version: packageVersion(),
            semanticVersion: packageVersion(),
            informationUri: 'https://www.npmjs.com/package/vecprof',
            rules: codes.map(ruleDescriptor),
          },
        },
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${input.cwd}/`).href } },
        results: input.findings.map((f) => result(f, index)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
