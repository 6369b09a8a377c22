import type { Command } from 'commander';

// Placeholder so the verb shows in --help; replaced by the real command.
export function registerProfile(program: Command): void {
  program.command('profile').description('(not built yet)');
}
