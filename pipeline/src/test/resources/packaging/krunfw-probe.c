/* Test probe: dlopen()s a libkrunfw and prints what its exported functions return. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    char *(*get_kernel)(size_t *, size_t *, size_t *) = dlsym(h, "krunfw_get_kernel");
    int (*get_version)(void) = dlsym(h, "krunfw_get_version");
    if (!get_kernel || !get_version) {
        return 1;
    }
    size_t load = 0, entry = 0, size = 0;
    char *p = get_kernel(&load, &entry, &size);
    unsigned char first = (unsigned char)p[0];
    p[0] = (char)first; /* the bundle must be writable */
    printf("version=%d load=0x%zx entry=0x%zx size=%zu align=%zu first=0x%02x\n", get_version(), load, entry,
           size, (size_t)((uintptr_t)p % 65536), first);
    return 0;
}
