/* The tile transforms of Winograd's F(4x4, 3x3) as native loops (see winograd.py).

   Torch can only run the transforms as dense products over whole tensors: several passes over memory, with
   dense 36x36 and 16x36 maps where the real ones are mostly zeros and ones. Here each is one pass that reads a
   channel once and writes it once, with the sparse formulas, split over threads by channel. The Python side
   falls back to the torch forms when this module was not built (no C compiler at install time).

   input_transform:  x (C x H x W, float32) -> v (36 x C x T), T = (H/4)(W/4) tiles, padding 1 around x;
                     optionally of max(x * scale + shift, 0) per channel (a batch norm and ReLU before the conv).
   output_transform: m (36 x C x T) -> y (C x H x W): y = A^T m A + bias, then + residual, then ReLU if asked.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64

/* The row loops run over rows the caller keeps apart; GCC cannot prove it and would not vectorize them. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_OVERLAP _Pragma("GCC ivdep")
#else
#define NO_OVERLAP
#endif
#define ROW_LOOP static void

typedef struct {
    const float *src;
    float *dst;
    const float *bias;
    const float *residual;
    const float *scale, *shift; /* input_transform: the input is max(x * scale + shift, 0) per channel */
    int relu;
    Py_ssize_t channels, height, width, first, last;
    Py_ssize_t plane, channel; /* strides of the 36 x C x T tiles: C x T and T */
    int failed;                /* set when the thread could not get its scratch memory */
} Job;

/* B^T of F(4x4, 3x3) (interpolation points 0, +-1, +-2, infinity) applied to six values. */
#define BT_ROWS(d0, d1, d2, d3, d4, d5, o0, o1, o2, o3, o4, o5) \
    do {                                                          \
        o0 = 4.0f * (d0) - 5.0f * (d2) + (d4);                    \
        o1 = -4.0f * ((d1) + (d2)) + (d3) + (d4);                 \
        o2 = 4.0f * ((d1) - (d2)) - (d3) + (d4);                  \
        o3 = 2.0f * ((d3) - (d1)) - (d2) + (d4);                  \
        o4 = 2.0f * ((d1) - (d3)) - (d2) + (d4);                  \
        o5 = 4.0f * (d1) - 5.0f * (d3) + (d5);                    \
    } while (0)

/* A^T of F(4x4, 3x3) applied to six values. */
#define AT_ROWS(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3) \
    do {                                                 \
        o0 = (m0) + (m1) + (m2) + (m3) + (m4);           \
        o1 = (m1) - (m2) + 2.0f * ((m3) - (m4));         \
        o2 = (m1) + (m2) + 4.0f * ((m3) + (m4));         \
        o3 = (m1) - (m2) + 8.0f * ((m3) - (m4)) + (m5);  \
    } while (0)

/* Each tile row of a channel is transformed in local buffers laid out so that every inner loop runs over
   consecutive tiles with unit stride (which the compiler vectorizes), and is moved to or from the 36 planes
   in whole rows: the planes may lie a power of two apart, so touching them tile by tile would evict every
   cache line before its next use. */
typedef struct {
    float *rows;   /* 6 x (w + 4): the tile row's six input rows after B^T, with one zero column each side */
    float *phase;  /* 4 x (tw + 1): one of those rows split by column phase, phase[s][j] = row[4j + s] */
    float *block;  /* 36 x tw: the tiles of the row in the Winograd domain, or read back from it */
    float *half;   /* 24 x tw: A^T applied to the block's rows */
    float *zero;   /* w zeros: the padding rows */
    float *act;    /* 6 x w: the tile row's input rows after scale, shift and ReLU */
} Scratch;

static void free_scratch(Scratch *s) {
    free(s->rows);
    free(s->phase);
    free(s->block);
    free(s->half);
    free(s->zero);
    free(s->act);
}

static int alloc_scratch(Scratch *s, Py_ssize_t w) {
    const size_t tw = (size_t)(w / 4);
    s->rows = calloc(6 * ((size_t)w + 4), sizeof(float));
    s->phase = malloc(sizeof(float) * 4 * (tw + 1));
    s->block = malloc(sizeof(float) * 36 * tw);
    s->half = malloc(sizeof(float) * 24 * tw);
    s->zero = calloc((size_t)w, sizeof(float));
    s->act = malloc(sizeof(float) * 6 * (size_t)w);
    if (s->rows && s->phase && s->block && s->half && s->zero && s->act) return 1;
    free_scratch(s);
    return 0;
}

/* One input row after B^T (w + 2 values, padding included) -> the six Winograd rows of its tiles in out[q][j]. */
ROW_LOOP tile_columns(const float *restrict row, float *restrict phase, float *restrict out, Py_ssize_t tw) {
    float *restrict p0 = phase, *restrict p1 = phase + tw + 1;
    float *restrict p2 = phase + 2 * (tw + 1), *restrict p3 = phase + 3 * (tw + 1);
    NO_OVERLAP
    for (Py_ssize_t j = 0; j < tw; j++) {
        p0[j] = row[4 * j];
        p1[j] = row[4 * j + 1];
        p2[j] = row[4 * j + 2];
        p3[j] = row[4 * j + 3];
    }
    p0[tw] = row[4 * tw];
    p1[tw] = row[4 * tw + 1];
    float *restrict o0 = out, *restrict o1 = out + tw, *restrict o2 = out + 2 * tw;
    float *restrict o3 = out + 3 * tw, *restrict o4 = out + 4 * tw, *restrict o5 = out + 5 * tw;
    NO_OVERLAP
    for (Py_ssize_t j = 0; j < tw; j++) {
        BT_ROWS(p0[j], p1[j], p2[j], p3[j], p0[j + 1], p1[j + 1], o0[j], o1[j], o2[j], o3[j], o4[j], o5[j]);
    }
}

/* Six input rows -> B^T over them, into rows `stride` apart. */
ROW_LOOP bt_rows(const float *const in[6], float *restrict out, Py_ssize_t stride, Py_ssize_t w) {
    const float *restrict i0 = in[0], *restrict i1 = in[1], *restrict i2 = in[2];
    const float *restrict i3 = in[3], *restrict i4 = in[4], *restrict i5 = in[5];
    float *restrict o0 = out, *restrict o1 = out + stride, *restrict o2 = out + 2 * stride;
    float *restrict o3 = out + 3 * stride, *restrict o4 = out + 4 * stride, *restrict o5 = out + 5 * stride;
    NO_OVERLAP
    for (Py_ssize_t k = 0; k < w; k++) {
        BT_ROWS(i0[k], i1[k], i2[k], i3[k], i4[k], i5[k], o0[k], o1[k], o2[k], o3[k], o4[k], o5[k]);
    }
}

/* out = max(in * scale + shift, 0) over one row. */
ROW_LOOP activate(const float *restrict in, float *restrict out, float scale, float shift, Py_ssize_t w) {
    NO_OVERLAP
    for (Py_ssize_t k = 0; k < w; k++) {
        const float v = in[k] * scale + shift;
        out[k] = v > 0.0f ? v : 0.0f;
    }
}

static void input_channels(Job *job) {
    const Py_ssize_t h = job->height, w = job->width, th = h / 4, tw = w / 4, stride = w + 4;
    Scratch s;
    if (!alloc_scratch(&s, w)) {
        job->failed = 1;
        return;
    }
    for (Py_ssize_t c = job->first; c < job->last; c++) {
        const float *x = job->src + c * h * w;
        for (Py_ssize_t i = 0; i < th; i++) {
            const float *in[6];
            for (int a = 0; a < 6; a++) {
                Py_ssize_t y = 4 * i - 1 + a;
                if (y < 0 || y >= h) {
                    in[a] = s.zero;
                } else if (job->scale) {
                    activate(x + y * w, s.act + a * w, job->scale[c], job->shift[c], w);
                    in[a] = s.act + a * w;
                } else {
                    in[a] = x + y * w;
                }
            }
            bt_rows(in, s.rows + 1, stride, w);
            for (int p = 0; p < 6; p++) tile_columns(s.rows + p * stride, s.phase, s.block + 6 * p * tw, tw);
            float *out = job->dst + c * job->channel + i * tw;
            for (int k = 0; k < 36; k++) memcpy(out + k * job->plane, s.block + k * tw, sizeof(float) * (size_t)tw);
        }
    }
    free_scratch(&s);
}

/* Six rows of tw values, `step` apart -> four rows (A^T over the rows), `out_step` apart. */
ROW_LOOP at_rows(const float *restrict in, Py_ssize_t step, float *restrict out, Py_ssize_t out_step,
                    Py_ssize_t tw) {
    const float *restrict i0 = in, *restrict i1 = in + step, *restrict i2 = in + 2 * step;
    const float *restrict i3 = in + 3 * step, *restrict i4 = in + 4 * step, *restrict i5 = in + 5 * step;
    float *restrict o0 = out, *restrict o1 = out + out_step, *restrict o2 = out + 2 * out_step;
    float *restrict o3 = out + 3 * out_step;
    NO_OVERLAP
    for (Py_ssize_t j = 0; j < tw; j++) {
        AT_ROWS(i0[j], i1[j], i2[j], i3[j], i4[j], i5[j], o0[j], o1[j], o2[j], o3[j]);
    }
}

/* y = row + bias (+ residual) (ReLU), over one output row. */
ROW_LOOP finish_row(float *restrict y, const float *restrict add, float bias, int relu, Py_ssize_t w) {
    if (add) {
        NO_OVERLAP
        for (Py_ssize_t k = 0; k < w; k++) y[k] += bias + add[k];
    } else {
        NO_OVERLAP
        for (Py_ssize_t k = 0; k < w; k++) y[k] += bias;
    }
    if (relu) {
        NO_OVERLAP
        for (Py_ssize_t k = 0; k < w; k++) y[k] = y[k] > 0.0f ? y[k] : 0.0f;
    }
}

/* out[4j + s] = phases[s][j]: four column phases of tw values -> one row. */
ROW_LOOP interleave(const float *restrict phases, float *restrict out, Py_ssize_t tw) {
    const float *restrict a = phases, *restrict b = phases + tw, *restrict c = phases + 2 * tw;
    const float *restrict d = phases + 3 * tw;
    NO_OVERLAP
    for (Py_ssize_t j = 0; j < tw; j++) {
        out[4 * j] = a[j];
        out[4 * j + 1] = b[j];
        out[4 * j + 2] = c[j];
        out[4 * j + 3] = d[j];
    }
}

static void output_channels(Job *job) {
    const Py_ssize_t h = job->height, w = job->width, th = h / 4, tw = w / 4;
    Scratch s;
    if (!alloc_scratch(&s, w)) {
        job->failed = 1;
        return;
    }
    for (Py_ssize_t c = job->first; c < job->last; c++) {
        float *y = job->dst + c * h * w;
        const float *res = job->residual ? job->residual + c * h * w : NULL;
        for (Py_ssize_t i = 0; i < th; i++) {
            const float *m = job->src + c * job->channel + i * tw;
            for (int k = 0; k < 36; k++) memcpy(s.block + k * tw, m + k * job->plane, sizeof(float) * (size_t)tw);
            /* half[r][q][j] = sum_p A^T[r][p] block[p][q][j] */
            for (int q = 0; q < 6; q++) at_rows(s.block + q * tw, 6 * tw, s.half + q * tw, 6 * tw, tw);
            for (int r = 0; r < 4; r++) {
                float *o = s.phase; /* 4 x tw: the output row's column phases */
                at_rows(s.half + 6 * r * tw, tw, o, tw, tw);
                float *row = y + (4 * i + r) * w;
                interleave(o, row, tw);
                finish_row(row, res ? res + (4 * i + r) * w : NULL, job->bias[c], job->relu, w);
            }
        }
    }
    free_scratch(&s);
}

typedef void (*Kernel)(Job *);

typedef struct {
    Kernel kernel;
    Job job;
} Task;

static void *run_task(void *arg) {
    Task *task = arg;
    task->kernel(&task->job);
    return NULL;
}

/* Split the channels over up to `threads` threads (this one included) and wait for all; 0 if one failed. */
static int run_split(Kernel kernel, Job job, int threads) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if (threads > job.channels) threads = (int)job.channels;
    Task tasks[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int k = 0; k < threads; k++) {
        tasks[k].kernel = kernel;
        tasks[k].job = job;
        tasks[k].job.first = job.channels * k / threads;
        tasks[k].job.last = job.channels * (k + 1) / threads;
    }
    for (int k = 1; k < threads; k++) {
        started[k] = pthread_create(&ids[k], NULL, run_task, &tasks[k]) == 0;
        if (!started[k]) kernel(&tasks[k].job);
    }
    kernel(&tasks[0].job);
    int ok = 1;
    for (int k = 0; k < threads; k++) {
        if (k > 0 && started[k]) pthread_join(ids[k], NULL);
        ok = ok && !tasks[k].job.failed;
    }
    return ok;
}

/* A job over every channel of a C x H x W map, or 0 with a Python error when the shape has no 4x4 tiling. */
static int make_job(Job *job, Py_ssize_t channels, Py_ssize_t height, Py_ssize_t width) {
    if (channels < 1 || height < 4 || width < 4 || height % 4 || width % 4) {
        PyErr_SetString(PyExc_ValueError, "Winograd transforms need C >= 1 and H, W positive multiples of 4");
        return 0;
    }
    memset(job, 0, sizeof(*job));
    job->channels = channels;
    job->height = height;
    job->width = width;
    job->last = channels;
    job->channel = (height / 4) * (width / 4);
    job->plane = channels * job->channel;
    return 1;
}

static PyObject *finish(int ok) {
    if (!ok) return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *input_transform(PyObject *Py_UNUSED(self), PyObject *args) {
    unsigned long long src, dst, scale, shift;
    Py_ssize_t channels, height, width;
    int threads, ok;
    Job job;
    if (!PyArg_ParseTuple(args, "KKKKnnni", &src, &dst, &scale, &shift, &channels, &height, &width, &threads))
        return NULL;
    if (!make_job(&job, channels, height, width)) return NULL;
    job.src = (const float *)(uintptr_t)src;
    job.dst = (float *)(uintptr_t)dst;
    job.scale = (const float *)(uintptr_t)scale;
    job.shift = (const float *)(uintptr_t)shift;
    if ((job.scale == NULL) != (job.shift == NULL)) {
        PyErr_SetString(PyExc_ValueError, "give both scale and shift, or neither");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS ok = run_split(input_channels, job, threads);
    Py_END_ALLOW_THREADS return finish(ok);
}

static PyObject *output_transform(PyObject *Py_UNUSED(self), PyObject *args) {
    unsigned long long src, dst, bias, residual;
    Py_ssize_t channels, height, width;
    int relu, threads, ok;
    Job job;
    if (!PyArg_ParseTuple(args, "KKKKpnnni", &src, &dst, &bias, &residual, &relu, &channels, &height, &width,
                          &threads))
        return NULL;
    if (!make_job(&job, channels, height, width)) return NULL;
    job.src = (const float *)(uintptr_t)src;
    job.dst = (float *)(uintptr_t)dst;
    job.bias = (const float *)(uintptr_t)bias;
    job.residual = (const float *)(uintptr_t)residual;
    job.relu = relu;
    Py_BEGIN_ALLOW_THREADS ok = run_split(output_channels, job, threads);
    Py_END_ALLOW_THREADS return finish(ok);
}

static PyMethodDef methods[] = {
    {"input_transform", input_transform, METH_VARARGS,
     "input_transform(x, v, scale_or_0, shift_or_0, channels, height, width, threads): C x H x W -> 36 x C x T"
     " tiles of max(x * scale + shift, 0), or of x (data pointers)."},
    {"output_transform", output_transform, METH_VARARGS,
     "output_transform(m, y, bias, residual_or_0, relu, channels, height, width, threads): 36 x C x T -> C x H x W"
     " (data pointers)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_winograd_native", "Native tile transforms of Winograd F(4x4, 3x3).", -1, methods,
    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__winograd_native(void) { return PyModule_Create(&module); }
