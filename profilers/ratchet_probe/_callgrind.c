/* ratchet_probe._callgrind: Callgrind client requests that bracket exactly the measured region.
 *
 * Built inside the sandbox by `python -m ratchet_probe build-ext` (gcc, Python headers,
 * valgrind/callgrind.h). Outside valgrind the requests are a handful of no-op instructions, so
 * importing this module is always safe.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <valgrind/callgrind.h>

static PyObject *start_instrumentation(PyObject *self, PyObject *unused) {
    CALLGRIND_START_INSTRUMENTATION;
    Py_RETURN_NONE;
}

static PyObject *stop_instrumentation(PyObject *self, PyObject *unused) {
    CALLGRIND_STOP_INSTRUMENTATION;
    Py_RETURN_NONE;
}

static PyObject *zero_stats(PyObject *self, PyObject *unused) {
    CALLGRIND_ZERO_STATS;
    Py_RETURN_NONE;
}

static PyObject *toggle_collect(PyObject *self, PyObject *unused) {
    CALLGRIND_TOGGLE_COLLECT;
    Py_RETURN_NONE;
}

static PyObject *dump_stats_at(PyObject *self, PyObject *arg) {
    const char *label = PyUnicode_AsUTF8(arg);
    if (label == NULL) return NULL;
    CALLGRIND_DUMP_STATS_AT(label);
    Py_RETURN_NONE;
}

static PyObject *running_on_valgrind(PyObject *self, PyObject *unused) {
    return PyLong_FromLong((long)RUNNING_ON_VALGRIND);
}

static PyMethodDef methods[] = {
    {"start_instrumentation", start_instrumentation, METH_NOARGS, "Start instrumenting."},
    {"stop_instrumentation", stop_instrumentation, METH_NOARGS, "Stop instrumenting."},
    {"zero_stats", zero_stats, METH_NOARGS, "Zero the collected costs."},
    {"toggle_collect", toggle_collect, METH_NOARGS, "Toggle collection of costs."},
    {"dump_stats_at", dump_stats_at, METH_O, "Dump the costs, labelled."},
    {"running_on_valgrind", running_on_valgrind, METH_NOARGS, "Nonzero under valgrind."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "ratchet_probe._callgrind", NULL, -1, methods};

PyMODINIT_FUNC PyInit__callgrind(void) { return PyModule_Create(&module); }
