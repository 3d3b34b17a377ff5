/* JNI glue for org.inflow.kernel.NativeEngine: argument conversion and the reader thread's
 * attachment to the JVM. No policy lives here. */
#include <errno.h>
#include <jni.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "engine.h"
#include "sched_slice.h"

#define ENGINE_CLASS "org/inflow/kernel/NativeEngine"

int jni_spawn_register(JNIEnv *env);
int jni_posix_register(JNIEnv *env); /* jni_posix.c: org.inflow.kernel.Posix */

static JavaVM *jvm;
static jmethodID on_batch; /* int BatchSink.onBatch(int length, int count) */

typedef struct handle {
    engine *e;
    pthread_t thread;
    int started;
    jobject sink;          /* global ref */
    JNIEnv *env;           /* the reader thread's, valid while it runs */
    int run_error;
} handle;

static int sink_upcall(void *ctx, const unsigned char *buf, size_t len, int count)
{
    (void)buf;
    handle *h = ctx;
    JNIEnv *env = h->env;
    jint rc = (*env)->CallIntMethod(env, h->sink, on_batch, (jint)len, (jint)count);
    if ((*env)->ExceptionCheck(env)) {
        /* The consumer threw: describe it and count the batch as lost (a rescan follows). */
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        return INFLOW_SINK_FULL;
    }
    return rc;
}

static void *reader_main(void *arg)
{
    handle *h = arg;
    JavaVMAttachArgs args = { JNI_VERSION_1_8, "inflow-inotify", NULL };
    JNIEnv *env;
    if ((*jvm)->AttachCurrentThreadAsDaemon(jvm, (void **)&env, &args) != JNI_OK) {
        h->run_error = EINVAL;
        return NULL;
    }
    h->env = env;
    /* Best effort, as for the Java threads of the path (Posix.preferShortSlice). */
    sched_slice_request(SCHED_SLICE_SHORT_NS);
    h->run_error = engine_run(h->e);
    (*jvm)->DetachCurrentThread(jvm);
    return NULL;
}

static void throw_io(JNIEnv *env, const char *what, int err)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
    jclass c = (*env)->FindClass(env, "java/io/IOException");
    if (c)
        (*env)->ThrowNew(env, c, msg);
}

static jint j_abi_version(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return INFLOW_ABI_VERSION;
}

static jlong j_create(JNIEnv *env, jclass cls, jint out_cap, jint read_cap, jint move_wait_ms, jint crawl_slice)
{
    (void)cls;
    handle *h = calloc(1, sizeof *h);
    if (!h) {
        throw_io(env, "inflow engine", ENOMEM);
        return 0;
    }
    engine_config c;
    engine_default_config(&c);
    if (out_cap > 0)
        c.out_capacity = (size_t)out_cap;
    if (read_cap > 0)
        c.read_capacity = (size_t)read_cap;
    if (move_wait_ms > 0)
        c.move_wait_ms = move_wait_ms;
    if (crawl_slice > 0)
        c.crawl_slice = crawl_slice;
    int err = 0;
    h->e = engine_new(&c, sink_upcall, h, &err);
    if (!h->e) {
        free(h);
        throw_io(env, "inotify_init1", err);
        return 0;
    }
    return (jlong)(intptr_t)h;
}

static jobject j_buffer(JNIEnv *env, jclass cls, jlong ptr, jint cap)
{
    (void)cls;
    handle *h = (handle *)(intptr_t)ptr;
    return (*env)->NewDirectByteBuffer(env, engine_out_buffer(h->e), cap);
}

static char *utf_or_null(JNIEnv *env, jstring s)
{
    if (!s)
        return NULL;
    const char *c = (*env)->GetStringUTFChars(env, s, NULL);
    char *copy = c ? strdup(c) : NULL;
    if (c)
        (*env)->ReleaseStringUTFChars(env, s, c);
    return copy;
}

static jint j_add_root(JNIEnv *env, jclass cls, jlong ptr, jbyteArray path, jint mask, jint max_depth,
                       jstring exclude, jstring include, jint opts)
{
    (void)cls;
    handle *h = (handle *)(intptr_t)ptr;
    jsize len = (*env)->GetArrayLength(env, path);
    char *p = malloc((size_t)len + 1);
    if (!p) {
        throw_io(env, "inflow root", ENOMEM);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *)p);
    p[len] = 0;
    char *ex = utf_or_null(env, exclude), *in = utf_or_null(env, include);
    char msg[512] = "";
    int id = engine_add_root(h->e, p, (size_t)len, (uint32_t)mask, max_depth, ex, in, opts, msg, sizeof msg);
    free(p);
    free(ex);
    free(in);
    if (id < 0) {
        jclass c = (*env)->FindClass(env, "java/lang/IllegalArgumentException");
        if (c)
            (*env)->ThrowNew(env, c, msg);
    }
    return id;
}

static void j_remove_root(JNIEnv *env, jclass cls, jlong ptr, jint id)
{
    (void)env;
    (void)cls;
    engine_remove_root(((handle *)(intptr_t)ptr)->e, id);
}

static void j_update_root(JNIEnv *env, jclass cls, jlong ptr, jint id, jint mask, jint max_depth)
{
    (void)env;
    (void)cls;
    engine_update_root(((handle *)(intptr_t)ptr)->e, id, (uint32_t)mask, max_depth);
}

static void j_start(JNIEnv *env, jclass cls, jlong ptr, jobject sink)
{
    (void)cls;
    handle *h = (handle *)(intptr_t)ptr;
    h->sink = (*env)->NewGlobalRef(env, sink);
    int rc = pthread_create(&h->thread, NULL, reader_main, h);
    if (rc != 0) {
        (*env)->DeleteGlobalRef(env, h->sink);
        h->sink = NULL;
        throw_io(env, "pthread_create", rc);
        return;
    }
    h->started = 1;
}

static void j_stop(JNIEnv *env, jclass cls, jlong ptr)
{
    (void)cls;
    handle *h = (handle *)(intptr_t)ptr;
    if (!h->started)
        return;
    engine_stop(h->e);
    pthread_join(h->thread, NULL);
    h->started = 0;
    (*env)->DeleteGlobalRef(env, h->sink);
    h->sink = NULL;
}

static void j_destroy(JNIEnv *env, jclass cls, jlong ptr)
{
    handle *h = (handle *)(intptr_t)ptr;
    if (!h)
        return;
    j_stop(env, cls, ptr);
    engine_free(h->e);
    free(h);
}

static void j_stats(JNIEnv *env, jclass cls, jlong ptr, jlongArray out)
{
    (void)cls;
    handle *h = (handle *)(intptr_t)ptr;
    int64_t v[STAT_COUNT];
    engine_stats(h->e, v, STAT_COUNT);
    jsize n = (*env)->GetArrayLength(env, out);
    if (n > STAT_COUNT)
        n = STAT_COUNT;
    jlong tmp[STAT_COUNT];
    for (int i = 0; i < n; i++)
        tmp[i] = v[i];
    (*env)->SetLongArrayRegion(env, out, 0, n, tmp);
}

static const JNINativeMethod methods[] = {
    { "abiVersion", "()I", (void *)j_abi_version },
    { "create", "(IIII)J", (void *)j_create },
    { "buffer", "(JI)Ljava/nio/ByteBuffer;", (void *)j_buffer },
    { "addRoot", "(J[BIILjava/lang/String;Ljava/lang/String;I)I", (void *)j_add_root },
    { "removeRoot", "(JI)V", (void *)j_remove_root },
    { "updateRoot", "(JIII)V", (void *)j_update_root },
    { "start", "(JLorg/inflow/kernel/BatchSink;)V", (void *)j_start },
    { "stop", "(J)V", (void *)j_stop },
    { "destroy", "(J)V", (void *)j_destroy },
    { "stats", "(J[J)V", (void *)j_stats },
};

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    jvm = vm;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    jclass engine_cls = (*env)->FindClass(env, ENGINE_CLASS);
    if (!engine_cls)
        return JNI_ERR;
    if ((*env)->RegisterNatives(env, engine_cls, methods, sizeof methods / sizeof methods[0]) != 0)
        return JNI_ERR;
    jclass sink_cls = (*env)->FindClass(env, "org/inflow/kernel/BatchSink");
    if (!sink_cls)
        return JNI_ERR;
    on_batch = (*env)->GetMethodID(env, sink_cls, "onBatch", "(II)I");
    if (!on_batch)
        return JNI_ERR;
    if (jni_spawn_register(env) != 0)
        return JNI_ERR;
    if (jni_posix_register(env) != 0)
        return JNI_ERR;
    return JNI_VERSION_1_8;
}
