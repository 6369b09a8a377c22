// What a report is made from: any of the four models, plus the text of the files they point into.
import type { AdviceReport } from '../advise/types.js';
import type { BudgetResult } from '../budget/types.js';
import type { Finding } from '../check/types.js';
import type { Profile } from '../profile/model.js';

export interface ReportData {
  title: string;
  /** ISO time the report was made. */
  createdAt: string;
  advice?: AdviceReport;
  profile?: Profile;
  findings?: Finding[];
  budget?: BudgetResult;
  /** Source text keyed by absolute path; files named by the models but missing here are read at build time. */
  sources: Record<string, string>;
  /** Where relative paths in findings are resolved from (default: the current directory). */
  cwd?: string;
}
