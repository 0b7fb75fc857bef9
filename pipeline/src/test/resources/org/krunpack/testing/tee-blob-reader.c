/*
 * A reader independent of krunpack's verify-lib: dlopens a libkrunfw TEE variant library, calls
 * krunfw_get_qboot and krunfw_get_initrd and compares the bytes each returns with a file.
 * libkrunfw's own bundles round every blob up to a multiple of 64 KiB with zero bytes and return
 * the rounded size (libkrun puts the initrd that many bytes below the end of guest RAM): the
 * returned memory must be the file's bytes followed by zeros up to that size.
 * Usage: tee-blob-reader LIBRARY QBOOT_FILE INITRD_FILE
 * Prints one line per blob: "<name> same <file size> padded <returned size>" or
 * "<name> differs ..." (and exits 1).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare(void *lib, const char *fn, const char *name, const char *file)
{
	char *(*get)(size_t *) = (char *(*)(size_t *))dlsym(lib, fn);
	size_t size = 0, want, padded, i;
	char *got, *buf;
	FILE *f;

	if (get == NULL) {
		printf("%s missing %s\n", name, fn);
		return 1;
	}
	got = get(&size);
	f = fopen(file, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
		printf("%s cannot-read %s\n", name, file);
		return 1;
	}
	want = (size_t)ftell(f);
	rewind(f);
	buf = malloc(want ? want : 1);
	if (buf == NULL || fread(buf, 1, want, f) != want) {
		printf("%s cannot-read %s\n", name, file);
		return 1;
	}
	fclose(f);
	padded = (want + 65535) / 65536 * 65536;
	if (got == NULL || size != padded || memcmp(got, buf, want) != 0) {
		printf("%s differs: %zu bytes returned, the file has %zu (rounded up to 64 KiB: %zu)\n",
		       name, size, want, padded);
		return 1;
	}
	for (i = want; i < size; i++) {
		if (got[i] != 0) {
			printf("%s differs: byte %zu of the padding is not zero\n", name, i);
			return 1;
		}
	}
	printf("%s same %zu padded %zu\n", name, want, size);
	return 0;
}

int main(int argc, char **argv)
{
	void *lib;
	int bad = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: tee-blob-reader LIBRARY QBOOT_FILE INITRD_FILE\n");
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		printf("dlopen-failed %s\n", dlerror());
		return 1;
	}
	bad |= compare(lib, "krunfw_get_qboot", "qboot", argv[2]);
	bad |= compare(lib, "krunfw_get_initrd", "initrd", argv[3]);
	return bad;
}
