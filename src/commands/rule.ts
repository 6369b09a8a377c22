// vecprof rule CODE: a rule's documentation (What it does · Why is it slow · Example · Use instead);
// `vecprof rule --all` lists every code.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { writeStdout } from '../render/output.js';
import { allCodes, codeInfo, type CodeInfo } from '../check/builtin-codes.js';

function indent(code: string): string {
  return code
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

export function renderRuleDoc(c: CodeInfo): string {
  return (
    `${c.code} (${c.name})\n\n${c.summary}\n\n` +
    `What it does\n  ${c.doc.whatItDoes}\n\n` +
    `Why is it slow\n  ${c.doc.whyIsItSlow}\n\n` +
    `Example\n${indent(c.doc.example)}\n\n` +
    `Use instead\n${indent(c.doc.useInstead)}\n`
  );
}

function renderList(codes: CodeInfo[]): string {
  const width = Math.max(...codes.map((c) => c.name.length));
  return codes.map((c) => `${c.code}  ${c.name.padEnd(width)}  ${c.summary}\n`).join('');
}

export function registerRule(program: Command): void {
  program
    .command('rule')
    .description("print a rule's documentation, or list every rule with --all")
    .argument('[code]', 'rule code, e.g. VEC001')
    .option('--all', 'list every rule code with its name and summary', false)
    .option('--json', 'print as JSON', false)
    .action((code: string | undefined, opts: { all: boolean; json: boolean }) => {
      if (opts.all || code === undefined) {
        if (code === undefined && !opts.all) throw new UsageError('which rule?', { hint: 'give a code (`vecprof rule VEC001`) or `--all` to list them' });
        const codes = allCodes();
        writeStdout(opts.json ? `${JSON.stringify(codes, null, 2)}\n` : renderList(codes));
        return;
      }
      const info = codeInfo(code);
      if (!info) {
        throw new UsageError(`unknown rule code: ${code}`, { hint: `known codes: ${allCodes().map((c) => c.code).join(', ')}` });
      }
      writeStdout(opts.json ? `${JSON.stringify(info, null, 2)}\n` : renderRuleDoc(info));
    });
}
