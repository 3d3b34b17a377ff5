/* JNI glue for org.inflow.act.NativeSpawner: byte[][] to char ** and back, errno values out.
 * Timeouts, logging, capture and every other decision live in Java. Registered by JNI_OnLoad
 * (jni_engine.c) through jni_spawn_register. */
#include <errno.h>
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reaper.h"
#include "spawner.h"

#define SPAWNER_CLASS "org/inflow/act/NativeSpawner"
#define EVENT_INTS 7 /* kind, tag, pid, fd, code, sig, core */

/* A NULL-terminated char *[] with its strings in one allocation (free() the result).
 * NULL with *err set: ENOMEM, or EINVAL for a NUL byte inside an element. */
static char **strings(JNIEnv *env, jobjectArray arr, int *err)
{
    jsize n = (*env)->GetArrayLength(env, arr);
    size_t bytes = 0;
    for (jsize i = 0; i < n; i++) {
        jbyteArray a = (*env)->GetObjectArrayElement(env, arr, i);
        if (!a) {
            *err = EINVAL;
            return NULL;
        }
        bytes += (size_t)(*env)->GetArrayLength(env, a) + 1;
        (*env)->DeleteLocalRef(env, a);
    }
    size_t ptrs = ((size_t)n + 1) * sizeof(char *);
    char **v = malloc(ptrs + bytes);
    if (!v) {
        *err = ENOMEM;
        return NULL;
    }
    char *text = (char *)v + ptrs;
    for (jsize i = 0; i < n; i++) {
        jbyteArray a = (*env)->GetObjectArrayElement(env, arr, i);
        jsize len = (*env)->GetArrayLength(env, a);
        (*env)->GetByteArrayRegion(env, a, 0, len, (jbyte *)text);
        (*env)->DeleteLocalRef(env, a);
        if (memchr(text, 0, (size_t)len)) {
            free(v);
            *err = EINVAL;
            return NULL;
        }
        text[len] = 0;
        v[i] = text;
        text += len + 1;
    }
    v[n] = NULL;
    return v;
}

static char *string(JNIEnv *env, jbyteArray a, int *err)
{
    jsize len = (*env)->GetArrayLength(env, a);
    char *s = malloc((size_t)len + 1);
    if (!s) {
        *err = ENOMEM;
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, a, 0, len, (jbyte *)s);
    s[len] = 0;
    if (memchr(s, 0, (size_t)len)) {
        free(s);
        *err = EINVAL;
        return NULL;
    }
    return s;
}

/* int spawn(byte[][] argv, byte[][] env, byte[] cwd, int in, int out, byte[] helper, int uid,
 *           int gid, int[] groups, int[] result): 0 and result = {pid, pidfd, stdin, output
 *           [, stderr]}, or errno. in: the stdin mode in bits 0-3, bit 8 close_unused. out: the
 *           stdout mode in bits 0-3, the stderr mode (enum spawn_err) in bits 4-7; a 5th result
 *           slot, if there is one, gets stderr's pipe. */
static jint j_spawn(JNIEnv *env, jclass cls, jobjectArray argv, jobjectArray envp, jbyteArray cwd, jint in,
                    jint out, jbyteArray helper, jint uid, jint gid, jintArray groups, jintArray result)
{
    (void)cls;
    int err = 0;
    char **av = NULL, **ev = NULL, *dir = NULL, *help = NULL;
    gid_t *gs = NULL;
    spawn_req req = { .in_mode = in & 0xf, .out_mode = out & 0xf, .err_mode = (out >> 4) & 0xf,
                      .close_unused = (in >> 8) & 1 };
    av = strings(env, argv, &err);
    if (av && envp)
        ev = strings(env, envp, &err);
    if (!err && cwd)
        dir = string(env, cwd, &err);
    if (!err && helper) {
        help = string(env, helper, &err);
        jsize n = groups ? (*env)->GetArrayLength(env, groups) : 0;
        gs = malloc(((size_t)n + 1) * sizeof *gs);
        if (!gs && !err)
            err = ENOMEM;
        if (!err) {
            for (jsize i = 0; i < n; i++) {
                jint g;
                (*env)->GetIntArrayRegion(env, groups, i, 1, &g);
                gs[i] = (gid_t)g;
            }
            req.helper = help;
            req.uid = (uid_t)uid;
            req.gid = (gid_t)gid;
            req.groups = gs;
            req.ngroups = (size_t)n;
        }
    }
    if (!err) {
        req.argv = av;
        req.envp = ev;
        req.cwd = dir;
        spawn_result res;
        err = spawn_start(&req, &res);
        if (!err) {
            jint r[5] = { res.pid, res.pidfd, res.in_fd, res.out_fd, res.err_fd };
            jsize n = (*env)->GetArrayLength(env, result);
            (*env)->SetIntArrayRegion(env, result, 0, n >= 5 ? 5 : 4, r);
        }
    }
    free(av);
    free(ev);
    free(dir);
    free(help);
    free(gs);
    return err;
}

static jlong j_reaper_new(JNIEnv *env, jclass cls, jintArray err_out)
{
    (void)cls;
    int err = 0;
    reaper *r = reaper_new(&err);
    if (!r) {
        jint e = err;
        (*env)->SetIntArrayRegion(env, err_out, 0, 1, &e);
    }
    return (jlong)(intptr_t)r;
}

static void j_reaper_free(JNIEnv *env, jclass cls, jlong r)
{
    (void)env;
    (void)cls;
    reaper_free((reaper *)(intptr_t)r);
}

/* int reaperWait(long r, int timeoutMs, int[] out): events written as EVENT_INTS ints each */
static jint j_reaper_wait(JNIEnv *env, jclass cls, jlong r, jint timeout_ms, jintArray out)
{
    (void)cls;
    reaper_event ev[64];
    int cap = (*env)->GetArrayLength(env, out) / EVENT_INTS;
    if (cap > 64)
        cap = 64;
    int n = reaper_wait((reaper *)(intptr_t)r, timeout_ms, ev, cap);
    if (n <= 0)
        return n;
    jint flat[64 * EVENT_INTS];
    for (int i = 0; i < n; i++) {
        jint *f = flat + i * EVENT_INTS;
        f[0] = ev[i].kind;
        f[1] = ev[i].tag;
        f[2] = ev[i].pid;
        f[3] = ev[i].fd;
        f[4] = ev[i].code;
        f[5] = ev[i].sig;
        f[6] = ev[i].core;
    }
    (*env)->SetIntArrayRegion(env, out, 0, n * EVENT_INTS, flat);
    return n;
}

static void j_reaper_wake(JNIEnv *env, jclass cls, jlong r)
{
    (void)env;
    (void)cls;
    reaper_wake((reaper *)(intptr_t)r);
}

static jint j_reaper_watch(JNIEnv *env, jclass cls, jlong r, jint tag, jint pidfd)
{
    (void)env;
    (void)cls;
    return reaper_watch((reaper *)(intptr_t)r, tag, pidfd);
}

static jint j_reaper_watch_output(JNIEnv *env, jclass cls, jlong r, jint tag, jint fd)
{
    (void)env;
    (void)cls;
    return reaper_watch_output((reaper *)(intptr_t)r, tag, fd);
}

static jint j_reaper_close_output(JNIEnv *env, jclass cls, jlong r, jint fd)
{
    (void)env;
    (void)cls;
    return reaper_close_output((reaper *)(intptr_t)r, fd);
}

static jint j_reaper_kill_on_exit(JNIEnv *env, jclass cls, jlong r, jint tag, jint pidfd)
{
    (void)env;
    (void)cls;
    return reaper_kill_on_exit((reaper *)(intptr_t)r, tag, pidfd);
}

static jint j_signal_group(JNIEnv *env, jclass cls, jint pgid, jint pidfd, jint sig)
{
    (void)env;
    (void)cls;
    return reaper_signal_group(pgid, pidfd, sig);
}

/* int read(int fd, byte[] buf, int off, int len): bytes read, 0 at EOF, or -errno */
static jint j_read(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len)
{
    (void)cls;
    char tmp[65536];
    if (len > (jint)sizeof tmp)
        len = sizeof tmp;
    ssize_t n;
    while ((n = read(fd, tmp, (size_t)len)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return -errno;
    (*env)->SetByteArrayRegion(env, buf, off, (jsize)n, (jbyte *)tmp);
    return (jint)n;
}

/* int write(int fd, byte[] buf, int off, int len): bytes written (maybe fewer), or -errno */
static jint j_write(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len)
{
    (void)cls;
    char tmp[65536];
    if (len > (jint)sizeof tmp)
        len = sizeof tmp;
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *)tmp);
    ssize_t n;
    while ((n = write(fd, tmp, (size_t)len)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -errno : (jint)n;
}

static jint j_close(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return close(fd) == 0 ? 0 : errno;
}

static jstring j_error_text(JNIEnv *env, jclass cls, jint err)
{
    (void)cls;
    char buf[256];
    return (*env)->NewStringUTF(env, strerror_r(err, buf, sizeof buf));
}

static jint j_bench_loop(JNIEnv *env, jclass cls, jbyteArray path, jint n)
{
    (void)cls;
    int err = 0;
    char *p = string(env, path, &err);
    if (!p)
        return err;
    err = spawn_bench_loop(p, n);
    free(p);
    return err;
}

static const JNINativeMethod methods[] = {
    { "spawn0", "([[B[[B[BII[BII[I[I)I", (void *)j_spawn },
    { "reaperNew", "([I)J", (void *)j_reaper_new },
    { "reaperFree", "(J)V", (void *)j_reaper_free },
    { "reaperWait", "(JI[I)I", (void *)j_reaper_wait },
    { "reaperWake", "(J)V", (void *)j_reaper_wake },
    { "reaperWatch", "(JII)I", (void *)j_reaper_watch },
    { "reaperWatchOutput", "(JII)I", (void *)j_reaper_watch_output },
    { "reaperCloseOutput", "(JI)I", (void *)j_reaper_close_output },
    { "reaperKillOnExit", "(JII)I", (void *)j_reaper_kill_on_exit },
    { "signalGroup", "(III)I", (void *)j_signal_group },
    { "read0", "(I[BII)I", (void *)j_read },
    { "write0", "(I[BII)I", (void *)j_write },
    { "close0", "(I)I", (void *)j_close },
    { "errorText", "(I)Ljava/lang/String;", (void *)j_error_text },
    { "benchLoop0", "([BI)I", (void *)j_bench_loop },
};

int jni_spawn_register(JNIEnv *env)
{
    jclass cls = (*env)->FindClass(env, SPAWNER_CLASS);
    if (!cls)
        return -1;
    return (*env)->RegisterNatives(env, cls, methods, sizeof methods / sizeof methods[0]) == 0 ? 0 : -1;
}
