// Where a sample's time went, judged from the native frames below the Python frame that was executing.
// The names come from py-spy --native recordings of NumPy 2.x on CPython 3.11 (fixtures in
// test/fixtures/profile/formats/): an element loop shows `array_subscript`, `double_multiply`, `gentype_alloc`;
// a kernel shows `DOUBLE_multiply_X86_V3` under `ufunc_generic_fastcall`, `DOUBLE_pairwise_sum`, `dgemm_kernel_*`.
import type { Frame, SampleSplit } from './model.js';

export type SplitKind = keyof SampleSplit;
/** What one frame says about a sample; `undefined` when the frame alone does not tell (libc, libm, memcpy, helpers). */
type Verdict = SplitKind | undefined;

// ---- where a frame lives ---------------------------------------------------------------------------------

const NATIVE_FILE = /\.(so(\.[\d.]+)?|dylib|dll|pyd|exe)$/i;
// With debug info py-spy names a native frame by its C/C++/Rust/Cython source file and line.
const NATIVE_SOURCE = /\.(c|cc|cpp|cxx|c\+\+|h|hh|hpp|hxx|inc|rs|pyx|pxd|pxi|f|f90|f95|s|S|m|mm|cu|zig)$/;

/** py-spy marks native frames only by their location: a shared library, native source, or "?" and no line. */
export function isNativeLocation(file: string, line: number): boolean {
  if (NATIVE_FILE.test(file) || NATIVE_SOURCE.test(file)) return true;
  if (/\.py[wi]?$/i.test(file) || file.startsWith('<')) return false;
  // Anything else (a script without a .py suffix, "?") is Python exactly when it has a line to execute.
  return line <= 0;
}

export function isNativeFrame(frame: Frame): boolean {
  return frame.native ?? isNativeLocation(frame.file, frame.line);
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

const CPYTHON_FILE = /^(libpython\d[\d.]*\w*\.(so|dylib)(\.[\d.]+)?|python\d*(\.\d+)?\w*(\.exe)?|python\d+\.dll)$/i;
// The same code with debug info: py-spy names CPython's own source files (Objects/floatobject.c, Python/ceval.c).
const CPYTHON_SOURCE = /(^|[/\\])(Objects|Python|Parser)[/\\][\w.-]+\.[ch]$/;
const SYSTEM_LIB = /^(libc|libm|ld-linux[\w-]*|ld|libpthread|libdl|librt|libgcc_s|linux-vdso|libsystem_\w+)[.-]/;
const BLAS_FILE = /openblas|libblas|libcblas|liblapack|libmkl|flexiblas|libblis|accelerate|veclib/i;

// ---- NumPy's per-element machinery (the element-loop fingerprint) ----------------------------------------

const SCALAR_TYPES =
  'bool|byte|ubyte|short|ushort|int|uint|long|ulong|longlong|ulonglong|half|float|double|longdouble|' +
  'cfloat|cdouble|clongdouble|timedelta|datetime|void|string|unicode|object';
// NumPy's scalarmath.c.src names its per-scalar operators `<type>_<op>` in lower case (double_add, float_multiply);
// CPython's float_add/long_add share the spelling, which is why libpython frames are judged first (verdictOf).
const SCALAR_MATH = new RegExp(
  `^(${SCALAR_TYPES})_(add|subtract|multiply|divide|true_divide|floor_divide|remainder|divmod|power|negative|` +
    'positive|absolute|bool|nonzero|invert|lshift|rshift|and|or|xor|richcompare|int|float|index|hash|repr|str|' +
    'long|matrix_multiply)$',
);
const NUMPY_SCALAR = [
  /^array_subscript(_asarray)?$/,
  /^array_item(_asarray)?$/,
  /^array_assign_(subscript|item)$/,
  /^PyArray_(Scalar|ScalarAsCtype|GETITEM|SETITEM|ToScalar|PackScalar|CastScalarToCtype)$/,
  /^[A-Z]+_(getitem|setitem|copyswap)$/, // arraytypes.c: one element in or out of a Python object
  /^gentype_\w+/,
  /^\w+type_(new|repr|str|hash)$/,
  /^\w+_arrtype_\w+/,
  /^convert_to_\w+$/,
  /^scalar_value$/,
  /^array_iter(next)?$/,
  /^arrayiter_next$/,
  SCALAR_MATH,
];

// ---- bulk native kernels ---------------------------------------------------------------------------------

const UFUNC_TYPES =
  'BOOL|BYTE|UBYTE|SHORT|USHORT|INT|UINT|LONG|ULONG|LONGLONG|ULONGLONG|HALF|FLOAT|DOUBLE|LONGDOUBLE|' +
  'CFLOAT|CDOUBLE|CLONGDOUBLE|DATETIME|TIMEDELTA|OBJECT|STRING|UNICODE|VOID|STRINGDTYPE';
const NATIVE_KERNEL = [
  new RegExp(`^(${UFUNC_TYPES})_\\w+`), // ufunc inner loops: DOUBLE_add, DOUBLE_multiply_X86_V3, FLOAT_sqrt_AVX512F
  /_pairwise_sum$/,
  /^(PyUFunc_|ufunc_|generic_wrapped_legacy_loop|reduce_loop|raw_array_|npyiter_|NpyIter_)/,
  /(^|_)reduce(_\w+)?$/,
  /^(simd_|npyv_|npyiter)/,
  /^(cblas_|[sdcz](gemm|gemv|dot|axpy|scal|syrk|trsm|nrm2|asum)(_|$))/,
  /_kernel(_|$)/,
  /^(PyArray_(MatrixProduct2?|InnerProduct|CopyInto|AssignArray|AssignRawScalar|NewCopy|Sort|ArgSort|Partition|Sum|Mean|Clip|Where|Concatenate|Ravel|Flatten|Transpose|Take|PutTo|CastToType)|array_(dot|matrixproduct|inner|sort|argsort|partition|take|repeat|concatenate|copyto|where|clip|tolist|tobytes|astype|copy))$/,
  /^array_(add|subtract|multiply|divide|true_divide|floor_divide|remainder|power|negative|absolute|matrix_multiply|inplace_\w+|richcompare)$/,
  /^(try_binary_elide|array_assign_boolean_subscript|mapiter_\w+|PyArray_MapIter\w*)$/,
  /^_?(aligned_)?(contig|strided|cast)_\w*(to|_)\w*$/, // the strided copy/cast loops of lowlevel_strided_loops
  /^(a?quicksort|a?heapsort|a?mergesort|a?timsort|introselect|a?radixsort|x86_quicksort|np::qsort_simd)\w*/,
  /_fill$/, // DOUBLE_fill (arange), random_standard_uniform_fill
];

// ---- the CPython interpreter -----------------------------------------------------------------------------

const CPYTHON_NAME = /^(_?Py[A-Z][A-Za-z]*_|_Py|PyEval|PyObject|PyNumber|slot_|vectorcall|cfunction_|method_vectorcall|builtin_)/;

function matchesAny(name: string, patterns: RegExp[]): boolean {
  return patterns.some((p) => p.test(name));
}

function verdictOf(frame: Frame): Verdict {
  // libpython is the interpreter and the builtin objects: its float_add is Python's float, not NumPy's scalar.
  if (CPYTHON_FILE.test(baseName(frame.file)) || CPYTHON_SOURCE.test(frame.file)) return 'python';
  if (BLAS_FILE.test(frame.file)) return 'nativeKernel';
  const { name } = frame;
  if (matchesAny(name, NUMPY_SCALAR)) return 'numpyScalar';
  if (matchesAny(name, NATIVE_KERNEL)) return 'nativeKernel';
  if (CPYTHON_NAME.test(name)) return 'python';
  return undefined;
}

/** The kind of one frame on its own, for colouring: Python code, NumPy scalar path, bulk kernel or other native. */
export function frameKind(frame: Frame): SplitKind {
  if (!isNativeFrame(frame)) return 'python';
  return verdictOf(frame) ?? 'otherNative';
}

/**
 * Classifies one sample from the native frames that ran below the deepest Python frame, given leaf first.
 * The frame nearest the leaf that is decisively NumPy (scalar or kernel) wins, because helpers below it
 * (fetestexcept, malloc, PyFloat_FromDouble) work for it. Failing that, CPython runtime code means interpreter
 * time, and anything else is other native code. No native frame at all: the interpreter was running Python.
 */
export function classifySample(nativeLeafFirst: readonly Frame[]): SplitKind {
  let sawPython = false;
  for (const frame of nativeLeafFirst) {
    const v = verdictOf(frame);
    if (v === 'numpyScalar' || v === 'nativeKernel') return v;
    if (v === 'python') sawPython = true;
  }
  if (nativeLeafFirst.length === 0 || sawPython) return 'python';
  // py-spy folds the eval loop into the Python frame, so a C runtime call right below it (3.13's __tls_get_addr,
  // memcpy, malloc) was made by the interpreter itself.
  if (SYSTEM_LIB.test(baseName(nativeLeafFirst[nativeLeafFirst.length - 1]!.file))) return 'python';
  return 'otherNative';
}

export function emptySplit(): SampleSplit {
  return { python: 0, numpyScalar: 0, nativeKernel: 0, otherNative: 0 };
}

/** Counts → fractions that add up to 1 (an all-zero split stays all zero). */
export function normaliseSplit(counts: SampleSplit): SampleSplit {
  const total = counts.python + counts.numpyScalar + counts.nativeKernel + counts.otherNative;
  if (total <= 0) return emptySplit();
  return {
    python: counts.python / total,
    numpyScalar: counts.numpyScalar / total,
    nativeKernel: counts.nativeKernel / total,
    otherNative: counts.otherNative / total,
  };
}
