// Python source for the pattern versions, written one line per argument so indentation stays visible in TypeScript.
export function py(...lines: string[]): string {
  return lines.join('\n');
}
