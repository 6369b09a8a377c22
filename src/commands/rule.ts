import type { Command } from 'commander';

// Placeholder so the verb shows in --help; replaced by the real command.
export function registerRule(program: Command): void {
  program.command('rule').description('(not built yet)');
}
