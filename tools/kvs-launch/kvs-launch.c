// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-launch: run an unmodified QEMU on a vhost-kvs switch.
 *
 *   kvs-launch -s SWITCH -m MAC [-i ID] [-q N] [-N] -- QEMU [ARGS...]
 *   kvs-launch -s SWITCH -m MAC [-i ID] [-q N] -Q QMP-SOCKET
 *
 * Opens /dev/vhost-kvs, attaches it to SWITCH (a switch of this network
 * namespace) with MAC, asks it for its tap file (VHOST_KVS_TAP_FD), and
 * runs QEMU with
 *
 *   -netdev tap,id=ID,fd=TAP,vhost=on,vhostfd=VHOST
 *   -device virtio-net-pci,netdev=ID,mac=MAC        (left out with -N)
 *
 * added to its arguments. QEMU then drives the port as it drives
 * vhost-net on a tap; the port leaves the switch when QEMU exits. When
 * QEMU's arguments have -incoming, the port is attached as the
 * destination of a live migration (VHOST_KVS_ATTACH_MIGRATE): it shares
 * the MAC with the source's port, and takes its traffic once QEMU runs
 * its receive queue. Attaching needs CAP_NET_ADMIN. ID
 * defaults to "kvs0". With -q N (2 to VHOST_KVS_QUEUES_MAX), the port has
 * N queue pairs: N /dev/vhost-kvs files, the others joined to the first
 * with VHOST_KVS_ADD_QUEUE, each with its tap file, given to QEMU as
 * fds=T0:T1:...,vhostfds=V0:V1:... with mq=on on the device. Errors name
 * their cause and exit 1 before QEMU runs.
 *
 * With -Q, no QEMU is started: the port is hot-plugged into the QEMU
 * listening on QMP-SOCKET as netdev ID (see qmp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost_kvs.h>

#include "kvs-mac.h"
#include "qmp.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: kvs-launch -s SWITCH -m MAC [-i ID] [-q QUEUES] [-N] -- QEMU [ARGS...]\n"
		"       kvs-launch -s SWITCH -m MAC [-i ID] [-q QUEUES] -Q QMP-SOCKET\n");
	exit(2);
}

/* A file's tap file, inherited by QEMU; exits on failure. */
static int tap_file(int vfd)
{
	int tfd = ioctl(vfd, VHOST_KVS_TAP_FD);

	if (tfd < 0) {
		fprintf(stderr, "kvs-launch: no tap file from /dev/vhost-kvs: %s\n",
			strerror(errno));
		exit(1);
	}
	/* The tap file is made close-on-exec; QEMU must inherit it. */
	if (fcntl(tfd, F_SETFD, 0)) {
		perror("kvs-launch: fcntl");
		exit(1);
	}
	return tfd;
}

static int open_dev(void)
{
	int vfd = open("/dev/vhost-kvs", O_RDWR);

	if (vfd < 0) {
		fprintf(stderr, "kvs-launch: cannot open /dev/vhost-kvs (host kernel without CONFIG_VHOST_KVS?): %s\n",
			strerror(errno));
		exit(1);
	}
	return vfd;
}

/* One more queue pair of the port whose first file is @lead. */
static void add_queue(int lead, int *vfd, int *tfd)
{
	*vfd = open_dev();
	if (ioctl(*vfd, VHOST_KVS_ADD_QUEUE, &lead)) {
		fprintf(stderr, "kvs-launch: adding a queue pair to the port: %s\n",
			strerror(errno));
		exit(1);
	}
	*tfd = tap_file(*vfd);
}

/* The attached port's files, inherited by QEMU; exits on failure. */
static void open_port(const char *sw, const char *macs, int migrate,
		      int *vfd, int *tfd)
{
	struct vhost_kvs_attach a = { .flags = migrate ? VHOST_KVS_ATTACH_MIGRATE : 0 };

	if (strlen(sw) == 0 || strlen(sw) >= sizeof(a.switch_name)) {
		fprintf(stderr, "kvs-launch: switch name '%s' must be 1 to %zu characters\n",
			sw, sizeof(a.switch_name) - 1);
		exit(1);
	}
	if (kvs_parse_mac(macs, a.mac)) {
		fprintf(stderr, "kvs-launch: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)\n",
			macs);
		exit(1);
	}
	strcpy(a.switch_name, sw);
	*vfd = open_dev();
	if (ioctl(*vfd, VHOST_KVS_ATTACH, &a)) {
		if (errno == ENOENT)
			fprintf(stderr, "kvs-launch: no switch '%s' in this network namespace (create it with 'kvsctl switch add %s')\n",
				sw, sw);
		else if (errno == EINVAL)
			fprintf(stderr, "kvs-launch: switch '%s' refused MAC address %s (must be unicast, not all zeroes)\n",
				sw, macs);
		else if (errno == EADDRINUSE)
			fprintf(stderr, "kvs-launch: another port of switch '%s' has MAC address %s\n",
				sw, macs);
		else if (errno == EPERM)
			fprintf(stderr, "kvs-launch: attaching to '%s' needs CAP_NET_ADMIN in its network namespace\n",
				sw);
		else
			fprintf(stderr, "kvs-launch: attach to '%s': %s\n", sw,
				strerror(errno));
		exit(1);
	}
	*tfd = tap_file(*vfd);
}

/* "fds=T0:T1,vhostfds=V0:V1" for N queue pairs, "fd=T,vhostfd=V" for one */
static void fd_args(char *buf, size_t size, const int *vfd, const int *tfd,
		    int queues)
{
	size_t n = 0;
	int i;

	if (queues == 1) {
		snprintf(buf, size, "fd=%d,vhost=on,vhostfd=%d", tfd[0], vfd[0]);
		return;
	}
	n += snprintf(buf + n, size - n, "fds=");
	for (i = 0; i < queues; i++)
		n += snprintf(buf + n, size - n, "%s%d", i ? ":" : "", tfd[i]);
	n += snprintf(buf + n, size - n, ",vhost=on,vhostfds=");
	for (i = 0; i < queues; i++)
		n += snprintf(buf + n, size - n, "%s%d", i ? ":" : "", vfd[i]);
}

int main(int argc, char **argv)
{
	int vfd[VHOST_KVS_QUEUES_MAX], tfd[VHOST_KVS_QUEUES_MAX];
	const char *sw = NULL, *mac = NULL, *id = "kvs0", *qmp = NULL;
	int opt, no_device = 0, queues = 1, n = 0, i, migrate = 0;
	char netdev[512], device[160], fds[400];
	char **qargv, *end;

	while ((opt = getopt(argc, argv, "+s:m:i:q:NQ:")) != -1) {
		switch (opt) {
		case 's': sw = optarg; break;
		case 'm': mac = optarg; break;
		case 'i': id = optarg; break;
		case 'q':
			queues = strtol(optarg, &end, 10);
			if (*end || queues < 1 || queues > VHOST_KVS_QUEUES_MAX) {
				fprintf(stderr, "kvs-launch: -q %s: queue pairs must be 1 to %d\n",
					optarg, VHOST_KVS_QUEUES_MAX);
				return 1;
			}
			break;
		case 'N': no_device = 1; break;
		case 'Q': qmp = optarg; break;
		default: usage();
		}
	}
	if (!sw || !mac || (qmp ? optind != argc : optind >= argc))
		usage();
	for (i = optind; i < argc; i++)
		if (!strcmp(argv[i], "-incoming") || !strcmp(argv[i], "--incoming"))
			migrate = 1;
	open_port(sw, mac, migrate, &vfd[0], &tfd[0]);
	for (i = 1; i < queues; i++)
		add_queue(vfd[0], &vfd[i], &tfd[i]);
	if (qmp)
		return qmp_hotplug(qmp, id, vfd, tfd, queues);

	fd_args(fds, sizeof(fds), vfd, tfd, queues);
	snprintf(netdev, sizeof(netdev), "tap,id=%s,%s", id, fds);
	if (queues == 1)
		snprintf(device, sizeof(device), "virtio-net-pci,netdev=%s,mac=%s",
			 id, mac);
	else
		snprintf(device, sizeof(device),
			 "virtio-net-pci,netdev=%s,mac=%s,mq=on,vectors=%d",
			 id, mac, 2 * queues + 2);
	qargv = calloc(argc - optind + 5, sizeof(*qargv));
	if (!qargv)
		return 1;
	for (i = optind; i < argc; i++)
		qargv[n++] = argv[i];
	qargv[n++] = "-netdev";
	qargv[n++] = netdev;
	if (!no_device) {
		qargv[n++] = "-device";
		qargv[n++] = device;
	}
	qargv[n] = NULL;
	execvp(qargv[0], qargv);
	fprintf(stderr, "kvs-launch: cannot run %s: %s\n", qargv[0],
		strerror(errno));
	return 1;
}
