"""The one switch between compiled (numba) and plain numpy execution, and the few elementary
functions whose compiled form must differ from numpy's.

Every model in the twin is written once, as plain arithmetic on numpy arrays or scalars (the
pattern of pvlib's ``spa.py``).  Called from Python it runs on arrays as numpy code: that is
the documented reference, and what the tests compare against.  Called from a compiled loop
(:func:`kernel`) it is compiled by numba for scalars and inlined there.  One switch,
:data:`USE_NUMBA`, decides whether loops are compiled at all:

* :func:`kernel` -- a loop over satellites and steps: ``numba.njit`` with the project's options
  (:data:`JIT_OPTIONS`) when :data:`USE_NUMBA`, else the plain function.  ``kernel(f).py_func``
  is always the uncompiled source.
* :func:`model` -- a model function: returned unchanged (plain numpy when called from Python)
  and registered with numba so that compiled kernels inline it.

A model must therefore be written in the common subset of numpy and numba's scalar support:
arithmetic, ``np.sqrt``, ``np.maximum``/``np.minimum``, ``np.floor``, ``np.abs``, ``**``, and
``if`` only on arguments that are scalars in both uses.  A few primitives fill the gaps, each a
numpy function in Python with a scalar form for compiled code (why each is hand-written is said
where it is defined):

* :func:`where` -- ``np.where``; in numba ``np.where`` on scalars returns 0-d arrays;
* :func:`any_true` -- ``np.any``; lets a model skip work (a Newton solve) no element needs;
* :func:`atan2` / :func:`asin` -- numpy's in Python; fdlibm's arctangent written branch-free in
  compiled code (:func:`atan2v`, :func:`asinv`), so that LLVM vectorises loops that call them;
* :func:`asfloat` -- ``np.asarray(x, float)``; the identity on compiled scalars;
* :func:`power` -- ``x ** y``; compiled, exact shortcuts at x = 0 and 1 skip ``pow``.

Numerics of compiled code: ``fastmath=False`` (IEEE semantics, no reassociation or FMA
contraction, as numpy) and ``error_model="numpy"`` (division by zero gives inf/nan as numpy
does).  Compiled functions are cached on disk (``cache=True``): the first call in a fresh
environment compiles them once, later processes load the cache.

Set the environment variable ``TWIN_NUMBA=0`` before the first import to run everything as
plain numpy (slow loops; for debugging and for checking the compiled code against its source).
"""
from __future__ import annotations

import math
import os

import numpy as np

try:
    import numba
    from numba import njit
    from numba.core import types
    from numba.extending import intrinsic, overload
except ImportError:  # pragma: no cover - numba is a dependency; plain numpy without it
    numba = None

#: Compile kernels and models with numba (the one switch; see the module docstring).
USE_NUMBA = numba is not None and os.environ.get("TWIN_NUMBA", "1").strip() not in ("0", "")

#: ``numba.prange`` in compiled kernels, ``range`` without numba.
prange = numba.prange if USE_NUMBA else range

#: Options of every compiled kernel (IEEE arithmetic as numpy, cached on disk).
JIT_OPTIONS = {"cache": True, "fastmath": False, "error_model": "numpy", "nogil": True}

#: Source folders whose files compiled kernels may inline (``model`` functions live there).
_SOURCE_DIRS = ("ephemeris", "twin/models", "twin/run")


def _clear_stale_caches():
    """Delete numba's on-disk kernels when any source they may inline has changed.

    numba's cache checks only the file that defines a kernel, not the files of the models
    inlined into it, so an edited model would run the old compiled code.  A stamp of the
    names, sizes and modification times of every source file in :data:`_SOURCE_DIRS` is kept
    beside the caches; when it differs, the cached kernels there are removed (they recompile
    once).  Read-only installs are left as they are (their sources cannot change)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirs = [os.path.join(root, d) for d in _SOURCE_DIRS if os.path.isdir(os.path.join(root, d))]
    stamp = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith(".py"):
                st = os.stat(os.path.join(d, name))
                stamp.append(f"{d}/{name}:{st.st_size}:{st.st_mtime_ns}")
    text = "\n".join(stamp)
    stamp_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__",
                              "kernel_sources.stamp")
    try:
        with open(stamp_path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    try:
        for d in dirs:
            cache = os.path.join(d, "__pycache__")
            for name in os.listdir(cache) if os.path.isdir(cache) else ():
                if name.endswith((".nbi", ".nbc")):
                    os.remove(os.path.join(cache, name))
        os.makedirs(os.path.dirname(stamp_path), exist_ok=True)
        with open(stamp_path, "w") as f:
            f.write(text)
    except OSError:  # pragma: no cover - a read-only install keeps its caches
        pass


if USE_NUMBA:
    _clear_stale_caches()


def kernel(fn=None, **options):
    """A compiled loop (``numba.njit`` with :data:`JIT_OPTIONS` and ``options``) when
    :data:`USE_NUMBA`, else ``fn`` itself; ``.py_func`` is the uncompiled source either way."""
    def wrap(f):
        if not USE_NUMBA:
            f.py_func = f
            return f
        return njit(**{**JIT_OPTIONS, **options})(f)
    return wrap if fn is None else wrap(fn)


def model(fn):
    """Register a model function for compiled kernels (inlined there); returns ``fn`` unchanged,
    so that Python callers run it as numpy code on arrays."""
    if USE_NUMBA:
        overload(fn, jit_options={"error_model": "numpy"}, inline="always",
                 strict=False)(lambda *args, **kwargs: fn)
    fn.py_func = fn
    return fn


if numba is not None:
    @intrinsic
    def _select(typingctx, condition, x, y):  # pragma: no cover - compiled
        """``x if condition else y`` as one LLVM ``select``, for compiled code only.

        Both values are evaluated (they are plain arithmetic here) and no branch is made:
        LLVM vectorises it, and numba's inliner gets no phi nodes (a ternary in a function
        inlined twice into one kernel trips its SSA checks, NumbaIRAssumptionWarning)."""
        rtype = typingctx.unify_types(types.unliteral(x), types.unliteral(y))
        sig = rtype(types.boolean, x, y)

        def codegen(context, builder, signature, args):
            c, a, b = args
            return builder.select(c, context.cast(builder, a, signature.args[1], rtype),
                                  context.cast(builder, b, signature.args[2], rtype))
        return sig, codegen


def _compiled_primitive(fn):
    """An elementary function for compiled code only (scalar, branch-free, inlined)."""
    if not USE_NUMBA:
        return fn
    return njit(cache=True, inline="always", error_model="numpy")(fn)


def _scalar_form(py_fn):
    """Register the decorated scalar function as the compiled form of the numpy function
    ``py_fn`` (numba's ``overload``); without numba nothing is registered.

    Not inlined by numba (``inline="never"``): these are a few instructions each, which LLVM
    inlines anyway, while numba's own inlining of the many call sites multiplied the compile
    time of the kernels several times."""
    def wrap(scalar_fn):
        if USE_NUMBA:
            overload(py_fn, inline="never", strict=False)(lambda *args: scalar_fn)
        return scalar_fn
    return wrap


def where(condition, x, y):
    """``np.where(condition, x, y)``; in compiled code a scalar select (numba's own
    ``np.where`` returns a 0-d array for scalars, which does not unify with a float)."""
    return np.where(condition, x, y)


def maximum(x, y):
    """``np.maximum(x, y)``; in compiled code the plain comparison ``x if x > y else y`` (the
    models' inputs are finite, and numba's ``np.maximum`` carries NaN checks that slow the
    vectorised loops)."""
    return np.maximum(x, y)


def minimum(x, y):
    """``np.minimum(x, y)``; in compiled code ``x if x < y else y`` (see :func:`maximum`)."""
    return np.minimum(x, y)


def any_true(condition):
    """``np.any(condition)``; in compiled code the (scalar) condition itself."""
    return np.any(condition)


def asfloat(x):
    """``np.asarray(x, dtype=float)``; in compiled code the scalar itself."""
    return np.asarray(x, dtype=float)


def power(x, y):
    """``x ** y``; in compiled code with exact shortcuts for x = 0 and x = 1 (pow(0, y > 0) = 0
    and pow(1, y) = 1 exactly, and ``pow`` costs ~20 ns a call in a loop)."""
    return x ** y


def atan2(y, x):
    """``np.arctan2(y, x)``; in compiled code :func:`atan2v` (within 2 ulp)."""
    return np.arctan2(y, x)


def asin(x):
    """``np.arcsin(x)``; in compiled code :func:`asinv` (within 2 ulp)."""
    return np.arcsin(x)


def sincos(x):
    """``(np.sin(x), np.cos(x))``; in compiled code :func:`sincosv` (within 2 ulp, for
    ``|x| <`` :data:`SINCOS_MAX_ARG`: callers keep larger angles out of compiled code)."""
    return np.sin(x), np.cos(x)


# ------------------------------------------------------------------------------------------
# Vectorisable elementary functions (no libm calls, no branches LLVM cannot if-convert).
# ------------------------------------------------------------------------------------------
# fdlibm s_atan.c (Sun Microsystems 1993): atan(x) = atanhi[k] + atan((x - c_k)/(1 + c_k x))
# with |reduced x| < 7/16 and an odd polynomial of degree 23; error < 1 ulp.
_ATANHI = (4.63647609000806093515e-01, 7.85398163397448278999e-01,
           9.82793723247329054082e-01, 1.57079632679489655800e+00)
_ATANLO = (2.26987774529616870924e-17, 3.06161699786838301793e-17,
           1.39033110312309984516e-17, 6.12323399573676603587e-17)
_AT0, _AT1, _AT2, _AT3, _AT4, _AT5, _AT6, _AT7, _AT8, _AT9, _AT10 = (
    3.33333333333329318027e-01, -1.99999999998764832476e-01, 1.42857142725034663711e-01,
    -1.11111104054623557880e-01, 9.09088713343650656196e-02, -7.69187620504482999495e-02,
    6.66107313738753120669e-02, -5.83357013379057348645e-02, 4.97687799461593236017e-02,
    -3.65315727442169155270e-02, 1.62858201153657823623e-02)


@_compiled_primitive
def _atan_pos(ax):  # pragma: no cover - compiled
    """atan(ax) for ax >= 0 (fdlibm, branch-free)."""
    b0 = ax < 0.4375
    b1 = ax < 0.6875
    b2 = ax < 1.1875
    b3 = ax < 2.4375
    num = _select(b0, ax, _select(b1, 2.0 * ax - 1.0, _select(b2, ax - 1.0, _select(
        b3, ax - 1.5, -1.0))))
    den = _select(b0, 1.0, _select(b1, 2.0 + ax, _select(b2, ax + 1.0, _select(
        b3, 1.0 + 1.5 * ax, ax))))
    hi = _select(b0, 0.0, _select(b1, _ATANHI[0], _select(b2, _ATANHI[1], _select(
        b3, _ATANHI[2], _ATANHI[3]))))
    lo = _select(b0, 0.0, _select(b1, _ATANLO[0], _select(b2, _ATANLO[1], _select(
        b3, _ATANLO[2], _ATANLO[3]))))
    x = num / den
    z = x * x
    w = z * z
    s1 = z * (_AT0 + w * (_AT2 + w * (_AT4 + w * (_AT6 + w * (_AT8 + w * _AT10)))))
    s2 = w * (_AT1 + w * (_AT3 + w * (_AT5 + w * (_AT7 + w * _AT9))))
    return _select(b0, x - x * (s1 + s2), hi - ((x * (s1 + s2) - lo) - x))


@_compiled_primitive
def atan2v(y, x):  # pragma: no cover - compiled
    """atan2(y, x) for finite y, x (within 2 ulp of the C library's; atan2(0, 0) = 0)."""
    ay = abs(y)
    ax = abs(x)
    swap = ay > ax
    num = _select(swap, ax, ay)
    den = _select(swap, ay, ax)
    t = _atan_pos(num / den)
    t = _select(den == 0.0, 0.0, t)
    t = _select(swap, (_ATANHI[3] - t) + _ATANLO[3], t)
    t = _select(x < 0.0, math.pi - t, t)
    return _select(y < 0.0, -t, t)


@_compiled_primitive
def asinv(x):  # pragma: no cover - compiled
    """asin(x) for |x| <= 1 as atan2(x, sqrt((1 - x)(1 + x))) (within 2 ulp)."""
    return atan2v(x, np.sqrt((1.0 - x) * (1.0 + x)))


#: Largest |angle| [rad] :func:`sincosv` reduces exactly (Cody-Waite with a 3-part pi/2).
SINCOS_MAX_ARG = 1.0e6
# fdlibm k_sin.c / k_cos.c (Sun Microsystems 1993) polynomials on [-pi/4, pi/4]
_PIO2_1, _PIO2_2, _PIO2_3 = (1.57079632673412561417e+00, 6.07710050630396597660e-11,
                             2.02226624871116645580e-21)
_INVPIO2 = 6.36619772367581382433e-01
_S1, _S2, _S3, _S4, _S5, _S6 = (
    -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04,
    2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10)
_C1, _C2, _C3, _C4, _C5, _C6 = (
    4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
    -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11)


@_compiled_primitive
def sincosv(x):  # pragma: no cover - compiled
    """(sin x, cos x) for |x| < :data:`SINCOS_MAX_ARG`, without a libm call (so loops using it
    vectorise): Cody-Waite reduction by pi/2 in three parts (exact there) and fdlibm's kernel
    polynomials; within 2 ulp of the C library's."""
    k = np.floor(x * _INVPIO2 + 0.5)
    y = ((x - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    z = y * y
    s = y + y * z * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))))
    c = 1.0 - 0.5 * z + z * z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    q = k - 4.0 * np.floor(k * 0.25)
    odd = (q == 1.0) | (q == 3.0)
    sn = _select(odd, c, s)
    cn = _select(odd, s, c)
    sn = _select(q >= 2.0, -sn, sn)
    cn = _select((q == 1.0) | (q == 2.0), -cn, cn)
    return sn, cn


if USE_NUMBA:
    @_scalar_form(where)
    def _where_scalar(condition, x, y):  # pragma: no cover - compiled
        return _select(condition, x, y)

    @_scalar_form(maximum)
    def _maximum_scalar(x, y):  # pragma: no cover - compiled
        return _select(x > y, x, y)

    @_scalar_form(minimum)
    def _minimum_scalar(x, y):  # pragma: no cover - compiled
        return _select(x < y, x, y)

    @_scalar_form(any_true)
    def _any_scalar(condition):  # pragma: no cover - compiled
        return condition

    @_scalar_form(asfloat)
    def _asfloat_scalar(x):  # pragma: no cover - compiled
        return x

    @_scalar_form(power)
    def _power_scalar(x, y):  # pragma: no cover - compiled
        return x if (x == 1.0 or x == 0.0) else x ** y

    @_scalar_form(atan2)
    def _atan2_scalar(y, x):  # pragma: no cover - compiled
        return atan2v(y, x)

    @_scalar_form(asin)
    def _asin_scalar(x):  # pragma: no cover - compiled
        return asinv(x)

    @_scalar_form(sincos)
    def _sincos_scalar(x):  # pragma: no cover - compiled
        return sincosv(x)
