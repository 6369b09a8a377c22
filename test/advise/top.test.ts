// How many hot items the list shows: `advise` and `profile --advise` share one default (8; profile's own --top is
// the summary's table length, 10), and --top is a positive integer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { DEFAULT_ADVICE_TOP } from '../../src/advise/types.js';
import { adviseOptionsOf, registerProfile } from '../../src/commands/profile.js';
import { runCli } from '../../testkit/run-cli.js';

/** The options `profile --advise …` hands the advisor, parsed by the real command (its action replaced). */
function adviseOptionsFor(args: string[]): ReturnType<typeof adviseOptionsOf> {
  const program = new Command().exitOverride();
  registerProfile(program);
  const profile = program.commands.find((c) => c.name() === 'profile')!;
  let seen: ReturnType<typeof adviseOptionsOf> | undefined;
  profile.action((_script: unknown, _args: unknown, options: Parameters<typeof adviseOptionsOf>[0], command: Command) => {
    seen = adviseOptionsOf(options, command);
  });
  program.parse(['profile', '--advise', ...args, 'job.py'], { from: 'user' });
  assert.ok(seen, 'the action ran');
  return seen;
}

test('profile --advise lists as many items as advise by default, and as many as --top says when given', () => {
  assert.equal(DEFAULT_ADVICE_TOP, 8);
  assert.equal(adviseOptionsFor([]).top, DEFAULT_ADVICE_TOP);
  assert.equal(adviseOptionsFor(['--top', '3']).top, 3);
  assert.equal(adviseOptionsFor(['--out', 'adv']).outDir, 'adv');
});

test('advise --top needs a positive integer: 2.5 and 0 are usage errors, before anything runs', async () => {
  for (const top of ['2.5', '0']) {
    const r = await runCli(['advise', '--top', top, 'missing.py']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--top must be a positive integer, got \\\\"${top.replace('.', '\\.')}\\\\"`));
  }
});
