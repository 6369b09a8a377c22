// Turning a loop verdict into a RawFinding: position at the `for`/`while` keyword, the header as the span.
import { headerSpanOf, spanOf } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { RawFinding } from '../../types.js';
import { loopVerdicts, type LoopCode, type LoopVerdict } from './verdict.js';

export function reportLoops(
  facts: ArrayFacts,
  code: LoopCode,
  message: (v: LoopVerdict) => string,
  report: (f: RawFinding) => void,
): void {
  for (const v of loopVerdicts(facts)) {
    if (v.code !== code) continue;
    report({
      code,
      message: message(v),
      ...(v.anchor === v.node ? headerSpanOf(v.node, facts.source) : spanOf(v.anchor, facts.source)),
      symbol: v.arrays[0] as string,
      loop: { startLine: v.node.startPosition.row + 1, endLine: v.node.endPosition.row + 1 },
      fix: v.fix,
    });
  }
}

export function code(text: string): string {
  return '`' + text + '`';
}
