// Worker thread: owns one tree-sitter parser, runs the per-file pipeline on jobs from the runner, and writes the
// cache entry itself so cache writes happen in parallel too.
import { parentPort, workerData } from 'node:worker_threads';
import { writeCache } from './cache.js';
import { getParser } from './parse.js';
import { analyzeText } from './pipeline.js';
import type { FileKind } from './types.js';

export interface WorkerInit {
  enabled: string[];
  cacheDir: string | null;
  fullParse: boolean;
}

export interface WorkerJob {
  id: number;
  text: string;
  kind: FileKind;
  cacheKey: string | null;
}

export type WorkerReply =
  | { type: 'result'; id: number; findings: ReturnType<typeof analyzeText> }
  | { type: 'failure'; id: number; message: string; stack?: string };

const init = workerData as WorkerInit;
const enabled = new Set(init.enabled);
const port = parentPort;
if (port === null) throw new Error('check worker started outside a worker thread');
const parserReady = getParser();

port.on('message', (job: WorkerJob) => {
  void parserReady.then((parser) => {
    let reply: WorkerReply;
    try {
      const findings = analyzeText(parser, job.text, job.kind, enabled, init.fullParse);
      if (init.cacheDir !== null && job.cacheKey !== null) writeCache(init.cacheDir, job.cacheKey, findings);
      reply = { type: 'result', id: job.id, findings };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { type: 'failure', id: job.id, message: e.message, stack: e.stack };
    }
    port.postMessage(reply);
  });
});
