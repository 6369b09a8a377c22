// The report: one self-contained HTML file. The page's code and style (bundled from src/report/front at build time)
// and the data are inlined; a Content-Security-Policy allows exactly that script and that style, by hash, and
// nothing remote. The data sits in a JSON script block with every `<` escaped, so no text from a source file,
// path or message can close the block or become markup; the page inserts all text with textContent.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VecprofError } from '../errors.js';
import { log } from '../log.js';
import { writeFileAtomic } from '../util/atomic.js';
import { assemblePayload } from './assemble.js';
import type { ReportPayload } from './payload.js';
import type { ReportData } from './types.js';

export type { ReportData } from './types.js';

interface FrontBundle {
  script: string;
  style: string;
}

let bundle: FrontBundle | undefined;

/** The bundle sits next to this module in dist/src/report/ (written by scripts/bundle-report.mjs). */
function frontBundle(): FrontBundle {
  if (bundle) return bundle;
  const read = (name: string): string => {
    const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new VecprofError(`the report's page code is missing (${path})`, { hint: 'run `npm run build` in the vecprof checkout, or reinstall vecprof' });
    }
  };
  // A literal "</script" or "</style" inside the code would end the element early; neither can occur in what
  // esbuild emits for our sources, but the guard costs nothing and the hashes are taken after it.
  bundle = {
    script: read('front.bundle.js').replace(/<\/(script)/gi, '<\\/$1'),
    style: read('front.bundle.css').replace(/<\/(style)/gi, '<\\/$1'),
  };
  return bundle;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** JSON that is inert inside <script type="application/json">: no `<` (so no `</script>` or `<!--`), no raw U+2028/9. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function buildReport(data: ReportData): string {
  return renderHtml(assemblePayload(data));
}

export function renderHtml(payload: ReportPayload): string {
  const { script, style } = frontBundle();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(script, style))}">`,
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="${escapeHtml(payload.generator)}">`,
    `<title>${escapeHtml(payload.title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    '<noscript><p class="noscript">This report draws itself with JavaScript, which is turned off in this browser.</p></noscript>',
    '<div id="app" aria-live="polite"></div>',
    `<script type="application/json" id="vecprof-data">${embedJson(payload)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export async function writeReport(path: string, data: ReportData): Promise<void> {
  const payload = assemblePayload(data);
  for (const w of payload.summary.warnings) log.warn(w);
  const html = renderHtml(payload);
  try {
    await writeFileAtomic(path, html);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new VecprofError(`cannot write the report to ${path} (${code})`, { hint: 'give --html a file path in a writable directory', cause: err });
  }
}
