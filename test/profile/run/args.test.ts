// Where the user's program's own words begin on the vecprof command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { registerProfile, userArgsStart } from '../../../src/commands/profile.js';

function program(): { program: Command; profile: Command } {
  const p = new Command('vecprof').option('--log-level <level>').option('-q, --quiet').option('--python <path>');
  registerProfile(p);
  return { program: p, profile: p.commands.find((c) => c.name() === 'profile')! };
}

test('the first word that is not an option (or an option value) starts the program', () => {
  const { program: p, profile } = program();
  const at = (args: string[]): number | null => userArgsStart(args, p, profile)?.at ?? null;
  assert.equal(at(['profile', 's.py', '--foo']), 1);
  assert.equal(at(['--python', 'python3', 'profile', '--mode', 'cpu', '--timeout', '3', 's.py', '-q']), 7);
  assert.equal(at(['profile', '--mode=cpu', '--json', 's.py']), 3);
  assert.equal(at(['profile', '--', 's.py', '--json']), 2, 'after --');
  assert.equal(at(['profile', '-m', 'pkg.tool', '--x']), 3, 'a module\'s words start after its name');
  assert.equal(at(['profile', '--module=pkg.tool', 'a']), 2);
  assert.equal(at(['profile', '-mpkg.tool', 'a']), 2);
  assert.equal(at(['profile', '--pid', '42', '--duration', '1']), null, 'no program to run');
  assert.equal(at(['profile', '--bogus', 's.py']), null, 'an unknown option is left to commander to report');
  assert.equal(at(['doctor', 'x']), null, 'another verb');
});
