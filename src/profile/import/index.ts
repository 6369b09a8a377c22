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
import { importVecprofJson, looksLikeVecprofProfile } from './vecprof-json.js';

export { importPstats } from './pstats.js';
export { importSpeedscope } from './speedscope.js';
export { importPySpyRaw } from './pyspy-raw.js';
export { importVecprofJson } from './vecprof-json.js';
export { defaultUserFile } from './user-files.js';

export type ProfileFormat = 'pstats' | 'speedscope' | 'pyspy-raw' | 'vecprof-json';

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
    if (/^\{\s*"version"\s*:\s*1\s*,\s*"meta"\s*:/.test(head)) return 'vecprof-json';
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

function parseJsonQuietly(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // importSpeedscope reports the parse error with the file's name
  }
}

function readSourceQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // moved or deleted since it was profiled: the function keeps its first sampled line
  }
}

/** Reads a .prof, speedscope, raw py-spy or vecprof profile.json file into a Profile. Unknown or damaged input is a VecprofError. */
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
    case 'vecprof-json': {
      // Key order is not promised in JSON: the content decides, the first bytes only guessed.
      const text = new TextDecoder('utf-8').decode(bytes);
      const doc = parseJsonQuietly(text);
      if (looksLikeVecprofProfile(doc) || (format === 'vecprof-json' && doc !== undefined)) return importVecprofJson(doc, { source });
      if (format === 'vecprof-json') {
        throw new VecprofError(`${source} is not a valid vecprof profile.json: the JSON is truncated or malformed`, {
          hint: 'write it again with vecprof profile --out DIR (or --json)',
        });
      }
      profile = importSpeedscope(text, common);
      break;
    }
    case 'pyspy-raw':
      profile = importPySpyRaw(new TextDecoder('utf-8').decode(bytes), {
        ...common,
        ...(opts.intervalSeconds === undefined ? {} : { intervalSeconds: opts.intervalSeconds }),
      });
      break;
    default:
      throw new VecprofError(`${source} is not a profile format vecprof reads`, {
        where: path,
        hint: 'give a cProfile .prof file, a py-spy speedscope JSON file, py-spy --format raw output, or a vecprof profile.json',
      });
  }
  profile.meta.startedAt = mtime.toISOString();
  for (const pass of profile.meta.passes) pass.reason = `imported from ${path}`;
  return profile;
}
