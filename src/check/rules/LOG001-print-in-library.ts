// LOG001: print() in library code, where a structured log call belongs.
import type { Node } from 'web-tree-sitter';
import { spanOf } from '../ast.js';
import type { ArrayFacts } from '../arrays.js';
import type { Rule } from '../types.js';
import { logCallFor } from './shared/log-call.js';

export const LOG001: Rule = {
  code: 'LOG001',
  name: 'print-in-library',
  summary: 'print() in library code; use one structured logging call with the values as fields',
  doc: {
    whatItDoes:
      'Finds `print(...)` calls in library modules. Scripts (a `#!` line, or under scripts/, bin/, examples/), tests, ' +
      'notebooks, `if __name__ == "__main__":` blocks and prints into a file (`file=fh`) are left alone.',
    whyIsItSlow:
      'print is unstructured (downstream tools cannot parse `loss=0.1` reliably), has no levels to mute debug noise, ' +
      'formats its arguments eagerly even when nobody reads them, and writes to stdout, possibly a line-buffered ' +
      'terminal, inside hot code such as a training step. A structured logger emits one parseable event with the ' +
      'values as fields and can be filtered by level.',
    example: [
      'def train_step(step, loss, lr):',
      '    print(f"step {step}: loss={loss:.4f} lr={lr}")',
    ].join('\n'),
    useInstead: [
      'import structlog',
      '',
      'log = structlog.get_logger(__name__)',
      '',
      'def train_step(step, loss, lr):',
      '    log.info("step", step=step, loss=loss, lr=lr)',
    ].join('\n'),
  },
  check(ctx, facts: ArrayFacts, report) {
    if (ctx.fileKind !== 'library') return;
    const source = ctx.source;
    if (!source.includes('print')) return;
    // a module that defines or imports its own print means something else by it (a method named print does not)
    if (/^(?:def print\b|print\s*=)|^[ \t]*from\s+\S+\s+import\s+.*\bprint\b/m.test(source)) return;
    const root = ctx.tree.rootNode;
    const re = /\bprint\s*\(/g;
    for (let m = re.exec(source); m; m = re.exec(source)) {
      const id = root.descendantForIndex(m.index);
      if (!id || id.type !== 'identifier' || id.text !== 'print') continue;
      const call = id.parent;
      if (!call || call.type !== 'call' || call.childForFieldName('function')?.id !== id.id) continue;
      if (writesToFile(call) || inMainBlock(call)) continue;
      const fix = logCallFor(call);
      report({
        code: 'LOG001',
        message: `print() in library code: emit one structured log event instead (${'`'}${fix.short}${'`'})`,
        ...spanOf(call, facts.source),
        fix: { description: 'a structured logging call with the printed values as fields (e.g. structlog)', replacement: fix.call, safety: 'display-only' },
      });
    }
  },
};

/** `print(x, file=fh)` writes data to a file, not diagnostics (sys.stdout/sys.stderr still count as prints). */
function writesToFile(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'file') {
      const v = a.childForFieldName('value')?.text ?? '';
      return !/^sys\.(?:stdout|stderr)$/.test(v);
    }
  }
  return false;
}

function inMainBlock(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '';
      if (/^__name__==(['"])__main__\1$|^(['"])__main__\2==__name__$/.test(cond)) return true;
    }
  }
  return false;
}
