// Codes vecprof reports about the input itself rather than about loops: every code `vecprof rule` and SARIF
// know is either a rule from the registry or one of these.
import { RULES } from './registry.js';
import type { RuleDoc } from './types.js';

export interface CodeInfo {
  code: string;
  name: string;
  summary: string;
  doc: RuleDoc;
}

export const BUILTIN_CODES: CodeInfo[] = [
  {
    code: 'E999',
    name: 'syntax-error',
    summary: 'the file does not parse as Python, so no rule could look at it',
    doc: {
      whatItDoes: 'Reports the first place where the file stops being valid Python 3.',
      whyIsItSlow:
        'It is not slow: it is unreadable. vecprof only analyses files that parse, so a syntax error hides every other finding in the file.',
      example: 'for i in range(len(a))\n    total += a[i]',
      useInstead: 'for i in range(len(a)):\n    total += a[i]',
    },
  },
  {
    code: 'E902',
    name: 'io-error',
    summary: 'the file could not be read as text: unreadable, not UTF-8, binary, too large, a symlink loop or a broken notebook',
    doc: {
      whatItDoes:
        'Reports files vecprof was asked to check but could not read as Python source: permission denied, invalid UTF-8, NUL bytes, more than 10 MB, a broken or looping symbolic link, or a notebook that is not valid JSON.',
      whyIsItSlow: 'It is not about speed: the file was skipped, so any loop in it went unchecked.',
      example: '# a file saved as Latin-1:\nnom = "caf\\xe9"',
      useInstead: '# the same file saved as UTF-8 (PEP 3120):\nnom = "café"',
    },
  },
];

/** Every code vecprof can report, rules first in code order, then the built-in ones. */
export function allCodes(): CodeInfo[] {
  return [...RULES.map((r) => ({ code: r.code, name: r.name, summary: r.summary, doc: r.doc })), ...BUILTIN_CODES];
}

export function codeInfo(code: string): CodeInfo | undefined {
  const upper = code.toUpperCase();
  return allCodes().find((c) => c.code === upper);
}
