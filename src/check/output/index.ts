// Picks the renderer for --output-format; every renderer turns the same input into one string.
import type { SourceView } from '../runner.js';
import type { Finding } from '../types.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif } from './sarif.js';
import { renderStatistics, renderStatisticsJson } from './statistics.js';
import { renderConcise, renderText } from './text.js';

export const OUTPUT_FORMATS = ['text', 'concise', 'json', 'sarif', 'github', 'junit'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderInput {
  findings: Finding[];
  filesChecked: number;
  sources: Map<string, SourceView>;
  /** Directory relative paths are relative to (SARIF's %SRCROOT%). */
  cwd: string;
  /** Colour wanted (stdout is a terminal, not --output-file, NO_COLOR unset). */
  color: boolean;
  /** The closing "Found N findings…" line of the text formats (off with --quiet, like ruff). */
  summary?: boolean;
}

export function render(format: OutputFormat, input: RenderInput, statistics: boolean): string {
  if (statistics) return format === 'json' ? renderStatisticsJson(input) : renderStatistics(input);
  switch (format) {
    case 'text':
      return renderText(input);
    case 'concise':
      return renderConcise(input);
    case 'json':
      return renderJson(input);
    case 'sarif':
      return renderSarif(input);
    case 'github':
      return renderGithub(input);
    case 'junit':
      return renderJunit(input);
  }
}
