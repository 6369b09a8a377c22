import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('LOG001', [
  {
    name: 'f-string fields become log fields',
    code: `
      def train_step(step, loss, lr):
          print(f"step {step}: loss={loss:.4f} lr={lr}")
    `,
    expect: [[2, 'LOG001']],
    fix: 'log.info("step", step=step, loss=loss, lr=lr)',
  },
  {
    name: 'positional arguments, attributes, format and percent',
    code: `
      class Trainer:
          def report(self, epoch, metrics):
              print("epoch", epoch, "accuracy:", metrics["acc"], self.best)
              print("warning: lr {} too high".format(self.lr))
              print("val loss %.3f at %d" % (self.val_loss, epoch))
    `,
    expect: [[3, 'LOG001'], [4, 'LOG001'], [5, 'LOG001']],
    fix: 'log.info("accuracy", epoch=epoch, acc=metrics["acc"], best=self.best)',
  },
  {
    name: 'stderr prints are warnings',
    code: `
      import sys
      def load(path):
          print("could not read", path, file=sys.stderr)
    `,
    expect: [[3, 'LOG001']],
    fix: 'log.warning("could_not_read", path=path)',
  },
  { name: 'main block, prints into files, scripts, tests, notebooks', code: `
      def save(rows, fh):
          for r in rows:
              print(r, file=fh)

      if __name__ == "__main__":
          print("running")
    `, expect: [] },
  { name: 'a script file', kind: 'script', code: `
      print("hello")
    `, expect: [] },
  { name: 'a test file', kind: 'test', code: `
      def test_x():
          print("debug")
    `, expect: [] },
  { name: 'a notebook', kind: 'notebook', code: `
      print("cell output")
    `, expect: [] },
  { name: 'print redefined by the module', code: `
      from rich import print
      print("[bold]hi[/bold]")
    `, expect: [] },
  { name: 'a method named print does not shadow the builtin elsewhere', code: `
      class Console:
          def print(self, msg):
              self.lines.append(msg)

      def report(loss):
          print(f"loss={loss:.3f}")
    `, expect: [[6, 'LOG001']] },
]);

fixturePair('LOG001');
