import type { Command } from 'commander';

export function registerBudget(program: Command): void {
  program.command('budget').description('measure Python loop vs NumPy across array sizes (the vectorization budget)');
}
