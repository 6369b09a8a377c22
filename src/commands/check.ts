import type { Command } from 'commander';

// Placeholder so the verb shows in --help; replaced by the real command.
export function registerCheck(program: Command): void {
  program.command('check').description('(not built yet)');
}
