/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output for the test programs: one "ok N - what" / "not ok N - what"
 * line per check, and the plan and a summary at the end.
 */
#ifndef KVS_TAP_H
#define KVS_TAP_H

void check(int ok, const char *what, ...)
	__attribute__((format(printf, 2, 3)));
/* ioctl returning -errno, so expectations read as "== -EINVAL". */
int xioctl(int fd, unsigned long req, void *arg);
/* Prints the plan and "# NAME: P passed, F failed"; returns the exit code. */
int tap_done(const char *name);

#define expect(call, want) do {						\
	int _r = (call), _w = (want);					\
	check(_r == _w, "%s = %d (want %d)", #call, _r, _w);		\
} while (0)

#endif
