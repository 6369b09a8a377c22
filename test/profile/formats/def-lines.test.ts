import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstLineOfDefinition } from '../../../src/profile/import/def-lines.js';
import { importPySpyRaw } from '../../../src/profile/import/pyspy-raw.js';
import { python } from './python.js';

const SOURCE = `import functools

def deco(*a, **k):
    return lambda fn: fn


@deco(
    maxsize=None,
    typed=(1, 2))
# a comment between decorators
@deco()
def decorated(x):
    y = x + 1
    return y


class A:
    def __init__(self, n):
        self.n = n

    @property
    def value(self):
        return self.n


class B:
    def __init__(self, n):
        self.m = [i for i in range(n)]
`;
const LINES = SOURCE.split('\n');

test('first lines match what CPython records as co_firstlineno, decorators included', () => {
  const truth = JSON.parse(
    python(
      `import json, sys\nns = {}\nexec(compile(sys.argv[1], "m.py", "exec"), ns)\n` +
        `print(json.dumps([ns["decorated"].__code__.co_firstlineno, ns["A"].__init__.__code__.co_firstlineno,` +
        ` ns["A"].value.fget.__code__.co_firstlineno, ns["B"].__init__.__code__.co_firstlineno]))`,
      [SOURCE],
    ).toString(),
  ) as number[];
  assert.deepEqual(
    [
      firstLineOfDefinition('decorated', 14, LINES),
      firstLineOfDefinition('__init__', 19, LINES),
      firstLineOfDefinition('value', 23, LINES),
      firstLineOfDefinition('__init__', 28, LINES),
    ],
    truth,
  );
  assert.equal(firstLineOfDefinition('<module>', 5, LINES), 1);
  assert.equal(firstLineOfDefinition('<listcomp>', 28, LINES), undefined);
  assert.equal(firstLineOfDefinition('missing', 28, LINES), undefined);
});

test('two methods with one name in one file stay two functions when the source can be read', () => {
  const raw = '<module> (m.py:30);__init__ (m.py:19) 4\n<module> (m.py:30);__init__ (m.py:28);<listcomp> (m.py:28) 6\n';
  const withSource = importPySpyRaw(raw, { readSource: (f) => (f === 'm.py' ? SOURCE : undefined) });
  const inits = withSource.functions.filter((f) => f.name === '__init__').map((f) => [f.id, f.samples]);
  assert.deepEqual(inits.sort(), [
    ['m.py:18:__init__', 4],
    ['m.py:27:__init__', 6],
  ]);
  const blind = importPySpyRaw(raw);
  assert.deepEqual(
    blind.functions.filter((f) => f.name === '__init__').map((f) => [f.id, f.samples]),
    [['m.py:19:__init__', 10]],
    'without the source they can only be merged, at the first sampled line',
  );
});
