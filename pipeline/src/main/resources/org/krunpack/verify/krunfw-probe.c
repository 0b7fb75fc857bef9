/*
 * krunfw-probe: loads a libkrunfw the way libkrun does and reports what its functions return.
 * Part of krunpack (verify-lib). It always runs inside krunpack's sandbox, never in krunpack's
 * own process.
 *
 * Usage: krunfw-probe TAG LIBRARY [DIR]
 *
 * With DIR, the bytes each getter hands out (when they lie inside the object) are also written to
 * DIR/NAME (kernel, qboot, initrd): the smoke test boots a foreign library's kernel from there.
 *
 * Every line of the report starts with TAG (a random word chosen by krunpack) so that text the
 * library itself prints cannot be taken for the report. The library is loaded in a child process;
 * the parent reports how that child ended ("TAG end exit N" or "TAG end signal N"), so a crash in
 * ld.so or in the library is reported, not confused with an exit status.
 *
 * Lines (numbers in hex unless said otherwise):
 *   TAG loaded BIAS                       dlopen succeeded; BIAS is the link map's l_addr
 *   TAG dlopen-error MESSAGE              dlopen failed (dlerror's text)
 *   TAG segment VADDR MEMSZ FLAGS         a PT_LOAD of the loaded object (file addresses)
 *   TAG symbol NAME ADDRESS               dlsym found NAME (run-time address)
 *   TAG version N                         krunfw_get_version() (decimal)
 *   TAG kernel POINTER LOAD ENTRY SIZE    krunfw_get_kernel(&load, &entry, &size)
 *   TAG blob NAME POINTER SIZE            krunfw_get_qboot / krunfw_get_initrd (&size)
 *   TAG sha256 NAME HEX                   SHA-256 of the SIZE bytes at POINTER
 *   TAG outside NAME                      the bytes are not inside the object's PT_LOAD memory:
 *                                         not read
 *   TAG end exit N | TAG end signal N     how the child ended (decimal)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- SHA-256 (FIPS 180-4) ---------------------------------------------------------------- */

struct sha256 {
	uint32_t h[8];
	uint64_t length;
	unsigned char block[64];
	size_t used;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, iv, sizeof(iv));
	s->length = 0;
	s->used = 0;
}

static void sha256_update(struct sha256 *s, const unsigned char *p, size_t n)
{
	s->length += n;
	while (n > 0) {
		size_t take = 64 - s->used < n ? 64 - s->used : n;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used == 64) {
			sha256_block(s, s->block);
			s->used = 0;
		}
	}
}

static void sha256_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->length * 8;
	unsigned char pad = 0x80, len[8];
	int i;

	sha256_update(s, &pad, 1);
	pad = 0;
	while (s->used != 56)
		sha256_update(s, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (i = 0; i < 8; i++)
		sprintf(out + 8 * i, "%08x", s->h[i]);
	out[64] = 0;
}

/* ---- the probe ---------------------------------------------------------------------------- */

static const char *tag;
static const char *dump_dir;
static struct link_map *map;

struct segments {
	uintptr_t bias;
	int n;
	uintptr_t start[64], end[64];
};

static struct segments segs;

static int find_segments(struct dl_phdr_info *info, size_t size, void *data)
{
	int i;

	(void)size;
	(void)data;
	if (info->dlpi_addr != map->l_addr || strcmp(info->dlpi_name, map->l_name) != 0)
		return 0;
	for (i = 0; i < info->dlpi_phnum && segs.n < 64; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_LOAD)
			continue;
		printf("%s segment %lx %lx %x\n", tag, (unsigned long)p->p_vaddr, (unsigned long)p->p_memsz,
		       (unsigned)p->p_flags);
		if (!(p->p_flags & PF_R))
			continue; /* not readable: never read from it */
		segs.start[segs.n] = info->dlpi_addr + p->p_vaddr;
		segs.end[segs.n] = info->dlpi_addr + p->p_vaddr + p->p_memsz;
		segs.n++;
	}
	return 1;
}

/* True when [p, p + n) lies inside one readable PT_LOAD of the loaded object (reading cannot fault). */
static int inside(uintptr_t p, size_t n)
{
	int i;

	for (i = 0; i < segs.n; i++)
		if (p >= segs.start[i] && p <= segs.end[i] && n <= segs.end[i] - p)
			return 1;
	return 0;
}

static void digest(const char *name, const char *p, size_t n)
{
	struct sha256 s;
	char hex[65];

	if (p == NULL || !inside((uintptr_t)p, n)) {
		printf("%s outside %s\n", tag, name);
		fflush(stdout);
		return;
	}
	sha256_init(&s);
	sha256_update(&s, (const unsigned char *)p, n);
	sha256_hex(&s, hex);
	printf("%s sha256 %s %s\n", tag, name, hex);
	fflush(stdout);
	if (dump_dir != NULL) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dump_dir, name);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
			printf("%s dump-error %s\n", tag, name);
		fflush(stdout);
	}
}

static int probe(const char *library)
{
	static const char *symbols[] = {
		"krunfw_get_kernel", "krunfw_get_version", "krunfw_get_qboot", "krunfw_get_initrd",
		"KERNEL_BUNDLE", "QBOOT_BUNDLE", "INITRD_BUNDLE",
	};
	void *h, *sym[7];
	unsigned i;

	h = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
	if (h == NULL) {
		const char *e = dlerror();
		printf("%s dlopen-error %s\n", tag, e ? e : "(no message)");
		return 3;
	}
	if (dlinfo(h, RTLD_DI_LINKMAP, &map) != 0) {
		printf("%s dlopen-error dlinfo: %s\n", tag, dlerror());
		return 3;
	}
	printf("%s loaded %lx\n", tag, (unsigned long)map->l_addr);
	dl_iterate_phdr(find_segments, NULL);
	fflush(stdout);
	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		sym[i] = dlsym(h, symbols[i]);
		if (sym[i] != NULL)
			printf("%s symbol %s %lx\n", tag, symbols[i], (unsigned long)(uintptr_t)sym[i]);
	}
	fflush(stdout);
	if (sym[1] != NULL) {
		int (*version)(void) = (int (*)(void))sym[1];
		printf("%s version %d\n", tag, version());
		fflush(stdout);
	}
	if (sym[0] != NULL) {
		char *(*kernel)(size_t *, size_t *, size_t *) = (char *(*)(size_t *, size_t *, size_t *))sym[0];
		size_t load = 0, entry = 0, size = 0;
		char *p = kernel(&load, &entry, &size);
		printf("%s kernel %lx %lx %lx %lx\n", tag, (unsigned long)(uintptr_t)p, (unsigned long)load,
		       (unsigned long)entry, (unsigned long)size);
		fflush(stdout);
		digest("kernel", p, size);
	}
	for (i = 2; i < 4; i++) {
		if (sym[i] != NULL) {
			char *(*get)(size_t *) = (char *(*)(size_t *))sym[i];
			const char *name = i == 2 ? "qboot" : "initrd";
			size_t size = 0;
			char *p = get(&size);
			printf("%s blob %s %lx %lx\n", tag, name, (unsigned long)(uintptr_t)p, (unsigned long)size);
			fflush(stdout);
			digest(name, p, size);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	pid_t child;
	int status;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: krunfw-probe TAG LIBRARY [DIR]\n");
		return 2;
	}
	tag = argv[1];
	dump_dir = argc == 4 ? argv[3] : NULL;
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("fork");
		return 2;
	}
	if (child == 0) {
		int rc = probe(argv[2]);
		fflush(stdout);
		_exit(rc);
	}
	while (waitpid(child, &status, 0) < 0)
		;
	if (WIFSIGNALED(status))
		printf("%s end signal %d\n", tag, WTERMSIG(status));
	else
		printf("%s end exit %d\n", tag, WEXITSTATUS(status));
	return 0;
}
