// SPDX-License-Identifier: GPL-2.0
/*
 * memhog SIZE [PASSES]: the load of the systemd tests.  Allocates SIZE
 * bytes of anonymous memory, writes every page PASSES times (default 1; 0:
 * over and over until killed), prints "ready" on standard output after the
 * first pass and "done" after the last, then holds the memory, untouched,
 * until killed.  SIZE takes K, M and G (powers of 1024).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G':
		v <<= 10;
		/* fall through */
	case 'M':
		v <<= 10;
		/* fall through */
	case 'K':
		v <<= 10;
		end++;
		break;
	}
	if (*end || !v)
		return -1;
	*out = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long passes = 1, pass;
	size_t size, off;
	char *mem;

	if (argc < 2 || argc > 3 || parse_size(argv[1], &size) ||
	    (argc == 3 && sscanf(argv[2], "%lu", &passes) != 1)) {
		fprintf(stderr, "usage: memhog SIZE[K|M|G] [PASSES]\n");
		return 2;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("memhog: mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (pass = 0; !passes || pass < passes; pass++) {
		for (off = 0; off < size; off += (size_t)page)
			mem[off] = (char)(pass + 1);
		if (!pass)
			printf("ready\n");
	}
	printf("done\n");
	for (;;)
		pause();
}
