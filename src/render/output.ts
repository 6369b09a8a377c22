// The one door to stdout: results only, never diagnostics.

let guarded = false;

/**
 * `vecprof check | head` closes the pipe early: that is the reader saying "enough", not an error. Without a
 * handler Node throws EPIPE from the next write; with it the process ends quietly, as other CLI tools do.
 */
function guardClosedPipe(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export function writeStdout(text: string): void {
  guardClosedPipe();
  process.stdout.write(text);
}
