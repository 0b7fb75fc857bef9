/*
 * Test probe (compiled by BundleLoaderTest for each target, run natively or under qemu-user):
 * loads a libkrunfw with the system's dynamic loader, calls every function of the ABI and
 * compares the memory they return with the expected payloads. Prints one "key=value" line per
 * finding and exits 0 only when everything matches.
 *
 *   load-krunfw LIB KERNEL_PAYLOAD [QBOOT INITRD]
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("error=cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc(*size ? *size : 1);
	if (fread(buf, 1, *size, f) != *size) {
		printf("error=cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static void *need(void *lib, const char *name)
{
	void *sym = dlsym(lib, name);
	if (!sym) {
		printf("missing=%s\n", name);
		exit(1);
	}
	return sym;
}

static void compare(const char *what, const char *got, size_t got_size, const char *file)
{
	size_t size;
	char *want = slurp(file, &size);
	printf("%s_size=%zu\n", what, got_size);
	printf("%s_align=%lu\n", what, (unsigned long)((uintptr_t)got % 65536));
	if (got_size != size) {
		printf("%s_bytes=size differs: expected %zu\n", what, size);
		failed = 1;
	} else if (memcmp(got, want, size) != 0) {
		size_t i = 0;
		while (got[i] == want[i])
			i++;
		printf("%s_bytes=differ at %zu\n", what, i);
		failed = 1;
	} else {
		printf("%s_bytes=equal\n", what);
	}
	free(want);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: %s LIB KERNEL_PAYLOAD [QBOOT INITRD]\n", argv[0]);
		return 2;
	}
	void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		printf("dlopen=%s\n", dlerror());
		return 1;
	}
	printf("dlopen=ok\n");
	int (*version)(void) = (int (*)(void))need(lib, "krunfw_get_version");
	char *(*kernel)(size_t *, size_t *, size_t *) =
		(char *(*)(size_t *, size_t *, size_t *))need(lib, "krunfw_get_kernel");
	printf("version=%d\n", version());
	size_t load = 0, entry = 0, size = 0;
	char *k = kernel(&load, &entry, &size);
	printf("load=0x%zx\nentry=0x%zx\n", load, entry);
	printf("kernel_is_KERNEL_BUNDLE=%s\n", k == dlsym(lib, "KERNEL_BUNDLE") ? "yes" : "no");
	compare("kernel", k, size, argv[2]);
	if (argc == 5) {
		char *(*qboot)(size_t *) = (char *(*)(size_t *))need(lib, "krunfw_get_qboot");
		char *(*initrd)(size_t *) = (char *(*)(size_t *))need(lib, "krunfw_get_initrd");
		size_t qs = 0, is = 0;
		char *q = qboot(&qs);
		char *i = initrd(&is);
		compare("qboot", q, qs, argv[3]);
		compare("initrd", i, is, argv[4]);
	}
	/* The memory is the guest's: it must be writable (libkrun maps it and the guest writes it). */
	k[0] ^= 1;
	k[0] ^= 1;
	printf("kernel_writable=yes\n");
	dlclose(lib);
	return failed;
}
