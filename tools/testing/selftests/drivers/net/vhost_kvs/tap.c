// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "tap.h"

static int passed, failed;

void check(int ok, const char *what, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", passed + failed + 1);
	va_start(ap, what);
	vprintf(what, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	ok ? passed++ : failed++;
}

int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

int tap_done(const char *name)
{
	printf("1..%d\n# %s: %d passed, %d failed\n", passed + failed, name,
	       passed, failed);
	return failed ? 1 : 0;
}
