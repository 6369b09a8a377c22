// The one door to stdout: results only, never diagnostics.
export function writeStdout(text: string): void {
  process.stdout.write(text);
}
