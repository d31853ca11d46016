// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-launch -Q SOCKET: hot-plug a port into a QEMU that already runs, the
 * way libvirt hot-plugs a tap: each file goes over QEMU's QMP socket with
 * SCM_RIGHTS and is named by "getfd", then "netdev_add" makes a tap netdev
 * of them. A "device_add virtio-net-pci,netdev=ID" over any monitor then
 * gives the guest the NIC; "device_del" and "netdev_del" close the files
 * and the port leaves its switch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "qmp.h"

static int qmp_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "kvs-launch: QMP socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "kvs-launch: cannot connect to QMP socket %s: %s\n",
			path, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	/* A QEMU that stops answering must not hold us forever. */
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ .tv_sec = 30 }, sizeof(struct timeval));
	return s;
}

/* Send one command, with file @fd attached unless it is -1. */
static int qmp_send(int s, const char *cmd, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)cmd, .iov_len = strlen(cmd) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		msg.msg_control = ctl;
		msg.msg_controllen = sizeof(ctl);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(s, &msg, MSG_NOSIGNAL) != (ssize_t)iov.iov_len) {
		fprintf(stderr, "kvs-launch: QMP send: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for the answer to the last command; events are skipped. */
static int qmp_answer(FILE *in, const char *what)
{
	char line[4096];

	while (fgets(line, sizeof(line), in)) {
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\"")) {
			fprintf(stderr, "kvs-launch: QMP %s refused: %s", what, line);
			return -1;
		}
	}
	fprintf(stderr, "kvs-launch: no answer from QEMU to %s (%s)\n", what,
		errno == EAGAIN ? "30 s passed" : "connection closed");
	return -1;
}

static int qmp_cmd(int s, FILE *in, const char *cmd, int fd, const char *what)
{
	return qmp_send(s, cmd, fd) || qmp_answer(in, what) ? -1 : 0;
}

/* Hand QEMU file @fd as @name ("getfd"). */
static int qmp_getfd(int s, FILE *in, int fd, const char *name)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": \"%s\"}}\n",
		 name);
	return qmp_cmd(s, in, cmd, fd, "getfd");
}

/* Name the files ID-tN and ID-vN in QEMU; @fds, @vfds get "ID-t0:ID-t1..." */
static int qmp_pass_files(int s, FILE *in, const char *id, const int *vfd,
			  const int *tfd, int queues, char *fds, char *vfds,
			  size_t size)
{
	size_t nf = 0, nv = 0;
	char name[64];
	int i;

	for (i = 0; i < queues; i++) {
		snprintf(name, sizeof(name), "%s-t%d", id, i);
		if (qmp_getfd(s, in, tfd[i], name))
			return -1;
		nf += snprintf(fds + nf, size - nf, "%s%s", i ? ":" : "", name);
		snprintf(name, sizeof(name), "%s-v%d", id, i);
		if (qmp_getfd(s, in, vfd[i], name))
			return -1;
		nv += snprintf(vfds + nv, size - nv, "%s%s", i ? ":" : "", name);
	}
	return 0;
}

int qmp_hotplug(const char *path, const char *id, const int *vfd,
		const int *tfd, int queues)
{
	char fds[600], vfds[600], cmd[1400];
	FILE *in = NULL;
	int s, rc = 1;

	s = qmp_connect(path);
	if (s < 0)
		return 1;
	in = fdopen(dup(s), "r");
	if (!in)
		goto out;
	/* The greeting, then capabilities negotiation. */
	if (qmp_cmd(s, in, "{\"execute\": \"qmp_capabilities\"}\n", -1,
		    "qmp_capabilities") ||
	    qmp_pass_files(s, in, id, vfd, tfd, queues, fds, vfds, sizeof(fds)))
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"tap\", "
		 "\"id\": \"%s\", \"%s\": \"%s\", \"vhost\": true, \"%s\": \"%s\"}}\n",
		 id, queues > 1 ? "fds" : "fd", fds,
		 queues > 1 ? "vhostfds" : "vhostfd", vfds);
	if (qmp_cmd(s, in, cmd, -1, "netdev_add"))
		goto out;
	printf("kvs-launch: netdev %s added (%d queue pair%s); now device_add virtio-net-pci,netdev=%s%s\n",
	       id, queues, queues > 1 ? "s" : "", id, queues > 1 ? ",mq=on" : "");
	rc = 0;
out:
	if (in)
		fclose(in);
	close(s);
	return rc;
}
