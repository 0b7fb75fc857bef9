/*
 * krunpack smoke, libkrun backend: boots ROOT (a directory) through libkrun and runs /init in
 * it, as a libkrun user would. libkrun dlopens libkrunfw.so.<ABI>: the caller puts the library
 * under test first on LD_LIBRARY_PATH. The guest's console is this process's stdout.
 *
 * Build: gcc -o krun_boot krun_boot.c -lkrun
 * Usage: krun_boot ROOT
 */
#include <stdio.h>
#include <string.h>
#include <libkrun.h>

static int fail(const char *what, int err)
{
    fprintf(stderr, "krun_boot: %s failed: %s\n", what, strerror(-err));
    return 3;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ROOT\n", argv[0]);
        return 2;
    }
    static const char *const guest_argv[] = {NULL};
    static const char *const guest_envp[] = {"KRUNPACK_BACKEND=libkrun", NULL};
    int ctx = krun_create_ctx();
    if (ctx < 0) {
        return fail("krun_create_ctx", ctx);
    }
    int err = krun_set_vm_config((unsigned)ctx, 1, 512);
    if (err < 0) {
        return fail("krun_set_vm_config", err);
    }
    err = krun_set_root((unsigned)ctx, argv[1]);
    if (err < 0) {
        return fail("krun_set_root", err);
    }
    /* (void *): the argv/envp parameters are "char *const[]" in older headers and
     * "const char *const[]" in newer ones */
    err = krun_set_exec((unsigned)ctx, "/init", (void *)guest_argv, (void *)guest_envp);
    if (err < 0) {
        return fail("krun_set_exec", err);
    }
    /* returns only on error; otherwise the process exits with the guest's status */
    err = krun_start_enter((unsigned)ctx);
    return fail("krun_start_enter", err);
}
