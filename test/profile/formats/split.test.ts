import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySample, frameKind, isNativeLocation, normaliseSplit } from '../../../src/profile/split.js';
import type { Frame } from '../../../src/profile/model.js';
import { defaultUserFile } from '../../../src/profile/import/user-files.js';
import { PYTHON_HELPERS_DIR } from '../../../src/paths.js';
import { join } from 'node:path';

const NUMPY = '/v/site-packages/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so';
const LIBPY = '/v/lib/libpython3.11.so.1.0';
const BLAS = '/v/site-packages/numpy.libs/libscipy_openblas64_-32a4b2a6.so';
const LIBM = '/usr/lib/x86_64-linux-gnu/libm.so.6';

const n = (name: string, file = NUMPY): Frame => ({ name, file, line: 0, native: true });

/** Stacks written leaf first, as the names appear in py-spy --native recordings here. */
const CASES: Array<[string, Frame[], ReturnType<typeof classifySample>]> = [
  ['pure Python bytecode', [], 'python'],
  ['ndarray indexing', [n('prepare_index_noarray'), n('array_subscript')], 'numpyScalar'],
  ['NumPy scalar multiply, leaf in libm', [n('fetestexcept', LIBM), n('npy_clear_floatstatus_barrier'), n('double_multiply')], 'numpyScalar'],
  ['scalar boxing', [n('gentype_alloc'), n('PyArray_Scalar'), n('array_subscript')], 'numpyScalar'],
  ['element copy into a scalar', [n('DOUBLE_copyswap'), n('PyArray_Scalar'), n('array_subscript')], 'numpyScalar'],
  ['NumPy float32 scalar add is NumPy', [n('float_add')], 'numpyScalar'],
  ["CPython's float_add is the interpreter", [n('float_add', LIBPY)], 'python'],
  ["CPython's float_add named by its source (debug info)", [{ name: 'float_add', file: '/b/Python-3.11.7/Objects/floatobject.c', line: 620, native: true }], 'python'],
  ['CPython helper under a NumPy scalar op', [n('PyFloat_FromDouble', LIBPY), n('DOUBLE_getitem'), n('array_item')], 'numpyScalar'],
  ['ufunc inner loop', [n('DOUBLE_multiply_X86_V3'), n('generic_wrapped_legacy_loop'), n('ufunc_generic_fastcall'), n('array_multiply')], 'nativeKernel'],
  ['ufunc epilogue still belongs to the ufunc', [n('PyArray_Return'), n('npy_apply_wrap'), n('ufunc_generic_fastcall')], 'nativeKernel'],
  ['pairwise sum', [n('DOUBLE_pairwise_sum'), n('DOUBLE_pairwise_sum')], 'nativeKernel'],
  ['BLAS by library', [n('inner_thread', BLAS)], 'nativeKernel'],
  ['BLAS by name', [n('dgemm_kernel_HASWELL', '?')], 'nativeKernel'],
  ['arange fill', [n('DOUBLE_fill'), n('PyArray_ArangeObj'), n('array_arange')], 'nativeKernel'],
  ['interpreter internals', [n('_PyEval_EvalFrameDefault', '?')], 'python'],
  ['unicode work in libpython', [n('unicode_dealloc', LIBPY)], 'python'],
  ['the interpreter calling the C runtime (3.13)', [n('__tls_get_addr', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')], 'python'],
  ['the C runtime under another extension', [n('memcpy', '/usr/lib/x86_64-linux-gnu/libc.so.6'), n('compute', '/v/ext/_fast.so')], 'otherNative'],
  ['another extension', [n('compute', '/v/site-packages/mylib/_fast.cpython-311-x86_64-linux-gnu.so')], 'otherNative'],
];

for (const [what, stack, kind] of CASES) {
  test(`split: ${what} → ${kind}`, () => {
    assert.equal(classifySample(stack), kind);
  });
}

test('native locations: libraries and "?" are native, Python files and frozen modules are not', () => {
  assert.equal(isNativeLocation(NUMPY, 0), true);
  assert.equal(isNativeLocation('/usr/lib/libc.so.6', 0), true);
  assert.equal(isNativeLocation('?', 0), true);
  assert.equal(isNativeLocation('/w/app.py', 3), false);
  assert.equal(isNativeLocation('<frozen importlib._bootstrap>', 241), false);
  assert.equal(isNativeLocation('numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so', 0), true);
  // py-spy's name for a native frame with debug info, seen here in CPython's own _ctypes
  assert.equal(isNativeLocation('/tmp/python-build/Python-3.11.7/Modules/_ctypes/_ctypes.c', 2362), true);
  assert.equal(isNativeLocation('/w/scripts/run_job', 12), false, 'a script without a .py suffix');
});

test('frame kinds colour Python code as python and native frames by their verdict', () => {
  assert.equal(frameKind({ name: 'f', file: '/w/app.py', line: 3 }), 'python');
  assert.equal(frameKind(n('array_subscript')), 'numpyScalar');
  assert.equal(frameKind(n('DOUBLE_add')), 'nativeKernel');
  assert.equal(frameKind(n('memcpy', '/usr/lib/libc.so.6')), 'otherNative');
});

test('a split normalises to fractions that add up to 1', () => {
  const s = normaliseSplit({ python: 1, numpyScalar: 3, nativeKernel: 0, otherNative: 0 });
  assert.deepEqual(s, { python: 0.25, numpyScalar: 0.75, nativeKernel: 0, otherNative: 0 });
  assert.deepEqual(normaliseSplit({ python: 0, numpyScalar: 0, nativeKernel: 0, otherNative: 0 }).python, 0);
});

test('user files: the script and its modules are; libraries, the standard library, frozen modules and our helpers are not', () => {
  assert.equal(defaultUserFile('/home/me/proj/app.py'), true);
  assert.equal(defaultUserFile('/home/me/proj/src/pkg/mod.py'), true);
  assert.equal(defaultUserFile('/v/lib/python3.11/site-packages/numpy/_core/fromnumeric.py'), false);
  assert.equal(defaultUserFile('/usr/lib/python3/dist-packages/scipy/x.py'), false);
  assert.equal(defaultUserFile('/root/.pyenv/versions/3.11.7/lib/python3.11/threading.py'), false);
  assert.equal(defaultUserFile('<frozen importlib._bootstrap>'), false);
  assert.equal(defaultUserFile(join(PYTHON_HELPERS_DIR, 'vecprof_run.py')), false);
  assert.equal(defaultUserFile(`${PYTHON_HELPERS_DIR}_mine/app.py`), true, 'a sibling folder with a similar name is not ours');
  // raw py-spy paths are relative to their sys.path entry
  assert.equal(defaultUserFile('app.py'), true);
  assert.equal(defaultUserFile('numpy/_core/_methods.py'), false);
  assert.equal(defaultUserFile('hmac.py'), false);
  assert.equal(defaultUserFile('multiprocessing/pool.py'), false);
  assert.equal(defaultUserFile('/v/lib/libpython3.11.so.1.0'), false);
});
