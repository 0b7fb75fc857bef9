/*
 * A minimal libkrun.h written for krunpack's tests: the part of libkrun's C API (as documented
 * in libkrun 1.18.1's include/libkrun.h) that crun's krun handler uses. crun looks every function
 * up with dlsym() at run time; at build time its configure only checks that this header exists
 * and its handler compiles against these declarations. Not a replacement for libkrun-devel.
 *
 * Every function returns zero (a context id for krun_create_ctx) on success, or a negative
 * errno value on failure.
 */
#ifndef KRUNPACK_TEST_LIBKRUN_H
#define KRUNPACK_TEST_LIBKRUN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace */
int32_t krun_set_log_level(uint32_t level);

/* a new configuration context; its id is the first argument of the calls below */
int32_t krun_create_ctx();

int32_t krun_set_vm_config(uint32_t ctx_id, uint8_t num_vcpus, uint32_t ram_mib);

/* the directory the guest sees as / */
int32_t krun_set_root(uint32_t ctx_id, const char *root_path);

/* the disk image the guest boots from (the confidential-computing variants) */
int32_t krun_set_root_disk(uint32_t ctx_id, const char *disk_path);

int32_t krun_set_workdir(uint32_t ctx_id, const char *workdir_path);

/* the TEE configuration file (the confidential-computing variants) */
int32_t krun_set_tee_config_file(uint32_t ctx_id, const char *filepath);

/* starts the microVM; returns only on failure */
int32_t krun_start_enter(uint32_t ctx_id);

#ifdef __cplusplus
}
#endif

#endif
