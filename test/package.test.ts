// The published shape: what `npm pack` puts in the tarball is enough to run vecprof from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../testkit/run-cli.js';

test('npm pack ships the CLI, the compiled code, every Python helper and the plot font', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
  for (const required of ['bin/vecprof.js', 'dist/src/cli.js', 'package.json', 'README.md']) assert.ok(files.has(required), required);
  for (const helper of readdirSync(join(REPO_ROOT, 'python')).filter((f) => f.endsWith('.py'))) {
    assert.ok(files.has(`python/${helper}`), `python/${helper} is shipped`);
  }
  assert.ok([...files].some((f) => f.startsWith('assets/fonts/') && f.endsWith('.ttf')), 'a font for PNG plots');
  assert.ok(![...files].some((f) => f.startsWith('test/') || f.startsWith('dist/test/')), 'tests stay out of the tarball');
});

test('package.json bin points at an executable script with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; engines: { node: string } };
  const bin = readFileSync(join(REPO_ROOT, pkg.bin.vecprof!), 'utf8');
  assert.match(bin, /^#!\/usr\/bin\/env node\n/);
  assert.equal(pkg.engines.node, '>=20');
});

/** npm's own error code from its stderr ("npm error code ENOTCACHED"), or how the child ended. */
function npmFailure(err: unknown): string {
  const e = err as { stderr?: string; code?: string; signal?: string };
  const code = /npm (?:error|ERR!) code (\S+)/.exec(e.stderr ?? '')?.[1];
  return code ?? (e.signal ? `killed by ${e.signal} (${e.code ?? 'timeout'})` : (e.code ?? String(err)));
}

/** npm's first error line after its code, e.g. "404 Not Found - GET https://…/wrappy". */
function npmErrorLine(err: unknown): string | null {
  const lines = ((err as { stderr?: string }).stderr ?? '').split('\n').map((l) => /^npm (?:error|ERR!) (.*)$/.exec(l)?.[1]?.trim());
  return lines.find((l): l is string => l !== undefined && l !== '' && !l.startsWith('code ')) ?? null;
}

/** Codes that mean "the registry was not reached", as npm and Node report them. */
const UNREACHABLE = /^(ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|FETCH_ERROR|killed by)/;

// The issue asks for an installable tarball, so this stays in the unit suite; it runs from npm's cache (the one
// `npm ci` filled) and reaches the registry only for what the cache lacks, with a bound on each step.
test('the npm pack tarball installs into a fresh project and its vecprof runs', { timeout: 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'vecprof-pack-'));
  try {
    const npm = (args: string[], cwd: string, timeout: number): string =>
      execFileSync('npm', args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
    // --ignore-scripts: the tarball ships the dist/ already built (`prepare` would compile it again).
    const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT, 15_000)) as Array<{ filename: string }>;
    const tarball = join(work, packed[0]!.filename);
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'vecprof-pack-test', version: '1.0.0', private: true }));
    const install = (mode: string[], timeout: number): void => {
      npm(['install', ...mode, '--no-audit', '--no-fund', tarball], project, timeout);
    };
    try {
      install(['--offline'], 20_000); // every dependency from the cache: no network at all
    } catch (offline) {
      if (npmFailure(offline) !== 'ENOTCACHED') throw new Error(`npm install --offline of the tarball failed: ${npmFailure(offline)}`, { cause: offline });
      try {
        // Something is missing from the cache: fetch only that, and fail fast rather than retry a dead registry.
        install(['--prefer-offline', '--fetch-retries', '0', '--fetch-timeout', '15000'], 30_000);
      } catch (online) {
        const why = npmFailure(online);
        const hint = UNREACHABLE.test(why)
          ? 'the npm registry could not be reached and npm\'s cache lacks some dependencies: run `npm ci` once with network access (it fills the cache), then run the tests again'
          : (npmErrorLine(online) ?? 'run the npm install by hand to see why');
        throw new Error(`npm install of the packed tarball failed (${why}): ${hint}`, { cause: online });
      }
    }
    const bin = join(project, 'node_modules', '.bin', 'vecprof');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim(), pkg.version);
    // The shipped Python helpers answer: doctor runs the interpreter probe from the installed package.
    const doctor = JSON.parse(execFileSync(bin, ['doctor', '--json'], { encoding: 'utf8', timeout: 15_000 })) as { python: { version: string } | null };
    assert.match(doctor.python?.version ?? '', /^3\.\d+/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('npmFailure and npmErrorLine read npm\'s error code and message; an unreachable registry is told apart', () => {
  assert.equal(npmFailure({ stderr: 'npm error code ENOTCACHED\nnpm error request to …' }), 'ENOTCACHED');
  assert.equal(npmFailure({ stderr: 'npm ERR! code EAI_AGAIN\n' }), 'EAI_AGAIN');
  assert.equal(npmFailure({ stderr: '', signal: 'SIGTERM', code: 'ETIMEDOUT' }), 'killed by SIGTERM (ETIMEDOUT)');
  for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'killed by SIGTERM (ETIMEDOUT)']) assert.match(code, UNREACHABLE);
  assert.doesNotMatch('E404', UNREACHABLE);
  assert.equal(npmErrorLine({ stderr: 'npm error code E404\nnpm error 404 Not Found - GET http://x/wrappy\nnpm error A complete log …' }), '404 Not Found - GET http://x/wrappy');
});
