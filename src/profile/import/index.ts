// One door for profile files made anywhere: sniff the bytes, pick the importer, name the file in every error.
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { VecprofError } from '../../errors.js';
import type { Profile } from '../model.js';
import { importPstats } from './pstats.js';
import { importSpeedscope } from './speedscope.js';
import { importPySpyRaw } from './pyspy-raw.js';
import type { UserFilePredicate } from './user-files.js';

export { importPstats } from './pstats.js';
export { importSpeedscope } from './speedscope.js';
export { importPySpyRaw } from './pyspy-raw.js';
export { defaultUserFile } from './user-files.js';

export type ProfileFormat = 'pstats' | 'speedscope' | 'pyspy-raw';

const MARSHAL_DICT = 0x7b; // "{"
const FLAG_REF = 0x80;

/** Guesses the format from the first bytes; undefined when it is none we read. */
export function sniffProfileFormat(bytes: Uint8Array): ProfileFormat | undefined {
  if (bytes.length === 0) return undefined;
  const first = bytes[0]!;
  if ((first & ~FLAG_REF) === MARSHAL_DICT && (first & FLAG_REF) !== 0) return 'pstats';
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{')) {
    // A marshal dict without the ref flag also starts with "{"; JSON then continues with a quote or whitespace.
    if (/^\{\s*("|\})/.test(head)) return 'speedscope';
    if (first === MARSHAL_DICT) return 'pstats';
  }
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (/^[^\n]*\S \d+(\.\d+)?\r?$/.test(firstLine) && (firstLine.includes(';') || firstLine.includes(' ('))) return 'pyspy-raw';
  if (first === MARSHAL_DICT) return 'pstats';
  return undefined;
}

export interface ImportFileOptions {
  userFiles?: UserFilePredicate;
  /** For raw py-spy files, which carry no timing. */
  intervalSeconds?: number;
}

function readSourceQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // moved or deleted since it was profiled: the function keeps its first sampled line
  }
}

/** Reads a .prof, speedscope or raw py-spy file into a Profile. Unknown or damaged input is a VecprofError. */
export async function importProfileFile(path: string, opts: ImportFileOptions = {}): Promise<Profile> {
  let bytes: Uint8Array;
  let mtime: Date;
  try {
    bytes = await readFile(path);
    mtime = (await stat(path)).mtime;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new VecprofError(`cannot read profile file ${path}${code ? ` (${code})` : ''}`, {
      hint: 'check the path',
      cause: err,
    });
  }
  const source = basename(path);
  const format = sniffProfileFormat(bytes);
  let profile: Profile;
  const common = { source, readSource: readSourceQuietly, ...(opts.userFiles ? { userFiles: opts.userFiles } : {}) };
  switch (format) {
    case 'pstats':
      profile = importPstats(bytes, common);
      break;
    case 'speedscope':
      profile = importSpeedscope(new TextDecoder('utf-8').decode(bytes), common);
      break;
    case 'pyspy-raw':
      profile = importPySpyRaw(new TextDecoder('utf-8').decode(bytes), {
        ...common,
        ...(opts.intervalSeconds === undefined ? {} : { intervalSeconds: opts.intervalSeconds }),
      });
      break;
    default:
      throw new VecprofError(`${source} is not a profile format vecprof reads`, {
        where: path,
        hint: 'give a cProfile .prof file, a py-spy speedscope JSON file, or py-spy --format raw output',
      });
  }
  profile.meta.startedAt = mtime.toISOString();
  for (const pass of profile.meta.passes) pass.reason = `imported from ${path}`;
  return profile;
}
