// What NumPy functions return, as far as "is the result an ndarray?" goes. Kept apart from arrays.ts so the tables
// can grow without burying the logic. Paths are relative to the numpy module: `zeros`, `random.normal`, `linalg.norm`.

/** Always an ndarray (when given array-like input). */
export const ARRAY_FUNCS = new Set([
  // constructors
  'array', 'asarray', 'asanyarray', 'ascontiguousarray', 'asfortranarray', 'copy', 'zeros', 'ones', 'empty', 'full',
  'zeros_like', 'ones_like', 'empty_like', 'full_like', 'arange', 'linspace', 'logspace', 'geomspace', 'eye',
  'identity', 'diag', 'diagflat', 'tri', 'tril', 'triu', 'vander', 'fromfunction', 'frombuffer', 'fromiter',
  'fromstring', 'fromfile', 'loadtxt', 'genfromtxt', 'asmatrix', 'require', 'atleast_1d', 'atleast_2d', 'atleast_3d',
  // shape and joining
  'concatenate', 'stack', 'vstack', 'hstack', 'dstack', 'column_stack', 'row_stack', 'append', 'insert', 'delete',
  'repeat', 'tile', 'reshape', 'ravel', 'transpose', 'swapaxes', 'moveaxis', 'squeeze', 'expand_dims', 'flip',
  'fliplr', 'flipud', 'roll', 'rot90', 'pad', 'broadcast_to', 'resize', 'trim_zeros', 'block',
  // elementwise
  'abs', 'absolute', 'fabs', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'cbrt', 'square',
  'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'arctan2', 'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh',
  'arctanh', 'hypot', 'deg2rad', 'rad2deg', 'radians', 'degrees', 'maximum', 'minimum', 'fmax', 'fmin', 'clip',
  'add', 'subtract', 'multiply', 'divide', 'true_divide', 'floor_divide', 'power', 'float_power', 'mod',
  'remainder', 'fmod', 'negative', 'positive', 'reciprocal', 'sign', 'heaviside', 'floor', 'ceil', 'trunc', 'rint',
  'round', 'around', 'fix', 'isnan', 'isinf', 'isfinite', 'isclose', 'logical_and', 'logical_or', 'logical_not',
  'logical_xor', 'greater', 'greater_equal', 'less', 'less_equal', 'equal', 'not_equal', 'bitwise_and',
  'bitwise_or', 'bitwise_xor', 'invert', 'left_shift', 'right_shift', 'real', 'imag', 'conj', 'conjugate', 'angle',
  'nan_to_num', 'sinc', 'i0', 'exp', 'logaddexp', 'logaddexp2', 'copysign', 'signbit', 'spacing', 'ldexp',
  // the rest
  'sort', 'argsort', 'cumsum', 'cumprod', 'nancumsum', 'nancumprod', 'diff', 'ediff1d', 'outer', 'matmul',
  'kron', 'cross', 'convolve', 'correlate', 'interp', 'take', 'take_along_axis', 'choose', 'select', 'piecewise',
  'searchsorted', 'bincount', 'digitize', 'unwrap', 'polyval', 'polyfit', 'cov', 'corrcoef', 'flatnonzero',
  'argwhere', 'unique', 'union1d', 'intersect1d', 'setdiff1d', 'setxor1d', 'isin', 'in1d', 'packbits',
  'unpackbits', 'einsum', 'tensordot', 'partition', 'argpartition', 'ascontiguousarray', 'load',
  'linalg.inv', 'linalg.pinv', 'linalg.solve', 'linalg.cholesky', 'linalg.matrix_power', 'linalg.eigvals',
  'linalg.eigvalsh', 'linalg.tensorsolve', 'linalg.multi_dot', 'linalg.matmul',
  'fft.fft', 'fft.ifft', 'fft.rfft', 'fft.irfft', 'fft.fft2', 'fft.ifft2', 'fft.fftn', 'fft.ifftn', 'fft.rfftn',
  'fft.fftfreq', 'fft.rfftfreq', 'fft.fftshift', 'fft.ifftshift',
  'lib.stride_tricks.sliding_window_view', 'lib.stride_tricks.as_strided',
]);

/** Reductions: a scalar without an axis, an ndarray with one (`axis=` or the second positional argument). */
export const REDUCTIONS = new Set([
  'sum', 'mean', 'std', 'var', 'max', 'min', 'amax', 'amin', 'prod', 'median', 'average', 'ptp', 'all', 'any',
  'argmax', 'argmin', 'nansum', 'nanmean', 'nanstd', 'nanvar', 'nanmax', 'nanmin', 'nanprod', 'nanmedian',
  'nanargmax', 'nanargmin', 'count_nonzero', 'linalg.norm',
]);

/** Return a tuple or list of arrays: unpacking gives arrays, iterating gives arrays (not elements). */
export const ARRAY_SEQUENCE_FUNCS = new Set([
  'meshgrid', 'histogram', 'histogram2d', 'histogramdd', 'nonzero', 'split', 'array_split', 'hsplit', 'vsplit',
  'dsplit', 'gradient', 'indices', 'broadcast_arrays', 'linalg.eig', 'linalg.eigh', 'linalg.svd', 'linalg.qr',
  'linalg.slogdet', 'linalg.lstsq', 'divmod', 'modf', 'frexp', 'unravel_index', 'tril_indices', 'triu_indices',
  'diag_indices', 'mask_indices', 'ix_', 'ogrid',
]);

/** Methods of ndarray that return an ndarray. */
export const ARRAY_METHODS = new Set([
  'reshape', 'astype', 'copy', 'ravel', 'flatten', 'transpose', 'squeeze', 'swapaxes', 'clip', 'cumsum', 'cumprod',
  'round', 'conj', 'conjugate', 'view', 'take', 'repeat', 'compress', 'diagonal', 'byteswap', 'newbyteorder',
  'argsort', 'searchsorted', 'dot', 'nonzero', 'filled', 'squeeze',
]);

/** ndarray methods that reduce: a scalar without an axis. */
export const METHOD_REDUCTIONS = new Set([
  'sum', 'mean', 'std', 'var', 'max', 'min', 'prod', 'all', 'any', 'argmax', 'argmin', 'ptp',
]);

/** ndarray attributes that are arrays themselves. */
export const ARRAY_ATTRIBUTES = new Set(['T', 'real', 'imag', 'flat', 'mT']);

/** Random generators: the argument index of `size` (for functions whose other arguments are parameters). */
export const RANDOM_SIZE_POSITION: Record<string, number> = {
  random: 0, random_sample: 0, ranf: 0, sample: 0, standard_normal: 0, standard_exponential: 0,
  standard_cauchy: 0, standard_gamma: 1, normal: 2, uniform: 2, randint: 2, integers: 2, lognormal: 2,
  laplace: 2, logistic: 2, gumbel: 2, beta: 2, gamma: 2, binomial: 2, negative_binomial: 2, hypergeometric: 3,
  exponential: 1, poisson: 1, geometric: 1, rayleigh: 1, chisquare: 1, standard_t: 1, weibull: 1, pareto: 1,
  power: 1, zipf: 1, logseries: 1, choice: 1, triangular: 3, vonmises: 2, wald: 2, f: 2, multivariate_normal: 2,
  dirichlet: 1, multinomial: 2,
};

/** Random functions that return arrays whatever their arguments. */
export const RANDOM_ARRAY_FUNCS = new Set(['permutation', 'rand', 'randn', 'permuted']);

/** Things under numpy.random that make a generator object. */
export const RNG_CONSTRUCTORS = new Set(['default_rng', 'RandomState', 'Generator']);

/** Shape-taking constructors: the first argument is the shape. */
export const SHAPE_CONSTRUCTORS = new Set(['zeros', 'ones', 'empty', 'full']);

/** Element-wise NumPy functions a Python per-element call maps onto (math.exp → np.exp). */
export const MATH_TO_NUMPY: Record<string, string> = {
  exp: 'exp', expm1: 'expm1', log: 'log', log2: 'log2', log10: 'log10', log1p: 'log1p', sqrt: 'sqrt',
  sin: 'sin', cos: 'cos', tan: 'tan', asin: 'arcsin', acos: 'arccos', atan: 'arctan', atan2: 'arctan2',
  sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', asinh: 'arcsinh', acosh: 'arccosh', atanh: 'arctanh', fabs: 'abs',
  floor: 'floor', ceil: 'ceil', trunc: 'trunc', hypot: 'hypot', degrees: 'degrees', radians: 'radians',
  isnan: 'isnan', isinf: 'isinf', isfinite: 'isfinite', copysign: 'copysign', pow: 'power', fmod: 'fmod',
  erf: 'special.erf', gamma: 'special.gamma', cbrt: 'cbrt', exp2: 'exp2',
};

/** Builtins that work per element and have a vectorized twin. */
export const BUILTIN_TO_NUMPY: Record<string, string> = {
  abs: 'abs', round: 'round', max: 'maximum', min: 'minimum', pow: 'power',
};
