// `--output-format junit`: one test suite per file, one failed test case per finding, so CI dashboards that read
// JUnit XML list them; a clean run is one passing case.
import type { Finding } from '../types.js';
import type { RenderInput } from './index.js';
import { location } from './text.js';

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd');
}

function testCase(f: Finding): string {
  const where = location(f);
  const body = `${where}: ${f.message}${f.fix ? `\nfix: ${f.fix.replacement}` : ''}`;
  return (
    `    <testcase name="${xml(`org.vecprof.${f.code}`)}" classname="${xml(f.path)}" file="${xml(f.path)}" line="${f.line}">\n` +
    `      <failure message="${xml(f.message)}" type="${xml(f.code)}">${xml(body)}</failure>\n` +
    `    </testcase>\n`
  );
}

export function renderJunit(input: RenderInput): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of input.findings) {
    const list = byFile.get(f.path) ?? [];
    list.push(f);
    byFile.set(f.path, list);
  }
  const n = input.findings.length;
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vecprof" tests="${Math.max(n, 1)}" failures="${n}" errors="0">\n`;
  if (n === 0) {
    out += `  <testsuite name="vecprof" tests="1" failures="0" errors="0">\n    <testcase name="No findings" classname="vecprof"/>\n  </testsuite>\n`;
  }
  for (const [path, list] of byFile) {
    out += `  <testsuite name="${xml(path)}" tests="${list.length}" failures="${list.length}" errors="0">\n`;
    for (const f of list) out += testCase(f);
    out += '  </testsuite>\n';
  }
  return `${out}</testsuites>\n`;
}
