/* JNI glue for org.inflow.kernel.Posix: the few process and thread calls a daemon needs that the
 * JDK does not offer (syslog(3), stdio onto /dev/null after detaching, a user switch of the whole
 * process, a short scheduler slice). Policy (when to call them, what to log) lives in Java. Registered by JNI_OnLoad
 * (jni_engine.c) through jni_posix_register. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jni.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "sched_slice.h"

#define POSIX_CLASS "org/inflow/kernel/Posix"
#define IDENT_MAX 256

/* openlog keeps the pointer it is given, so the ident must outlive the call. */
static char ident[IDENT_MAX];

static void j_openlog(JNIEnv *env, jclass cls, jbyteArray name, jint option, jint facility)
{
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, name);
    if (n >= IDENT_MAX)
        n = IDENT_MAX - 1;
    closelog();
    (*env)->GetByteArrayRegion(env, name, 0, n, (jbyte *)ident);
    ident[n] = '\0';
    openlog(ident, option, facility);
}

static void j_syslog(JNIEnv *env, jclass cls, jint priority, jbyteArray msg)
{
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, msg);
    char small[1024];
    char *text = (size_t)n < sizeof small ? small : malloc((size_t)n + 1);
    if (!text)
        return;
    (*env)->GetByteArrayRegion(env, msg, 0, n, (jbyte *)text);
    text[n] = '\0';
    syslog(priority, "%s", text);
    if (text != small)
        free(text);
}

/* stdin, stdout and stderr onto /dev/null: what a detached daemon does once it is ready. */
static jint j_null_stdio(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno;
    for (int i = 0; i <= 2; i++) {
        if (dup2(fd, i) < 0) {
            int err = errno;
            close(fd);
            return err;
        }
    }
    close(fd);
    return 0;
}

/* glibc applies set*id to every thread of the process, so the JVM's threads all switch. */
static jint j_switch_user(JNIEnv *env, jclass cls, jint uid, jint gid, jintArray groups)
{
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, groups);
    gid_t list[1024];
    if (n > (jsize)(sizeof list / sizeof list[0]))
        return E2BIG;
    jint tmp[1024];
    (*env)->GetIntArrayRegion(env, groups, 0, n, tmp);
    for (jsize i = 0; i < n; i++)
        list[i] = (gid_t)tmp[i];
    if (setgroups((size_t)n, list) != 0 || setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0)
        return errno;
    if (getuid() != (uid_t)uid || geteuid() != (uid_t)uid || getgid() != (gid_t)gid)
        return EPERM;
    return 0;
}

static jint j_prefer_short_slice(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return sched_slice_request(SCHED_SLICE_SHORT_NS);
}

static const JNINativeMethod methods[] = {
    { "openlog0", "([BII)V", (void *)j_openlog },
    { "syslog0", "(I[B)V", (void *)j_syslog },
    { "nullStdio0", "()I", (void *)j_null_stdio },
    { "switchUser0", "(II[I)I", (void *)j_switch_user },
    { "preferShortSlice0", "()I", (void *)j_prefer_short_slice },
};

int jni_posix_register(JNIEnv *env)
{
    jclass cls = (*env)->FindClass(env, POSIX_CLASS);
    if (!cls)
        return -1;
    return (*env)->RegisterNatives(env, cls, methods, sizeof methods / sizeof methods[0]) == 0 ? 0 : -1;
}
