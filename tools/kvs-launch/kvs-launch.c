// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-launch: run an unmodified QEMU on a vhost-kvs switch.
 *
 *   kvs-launch -s SWITCH -m MAC [-i ID] [-N] -- QEMU [ARGS...]
 *
 * Opens /dev/vhost-kvs, attaches it to SWITCH (a switch of this network
 * namespace) with MAC, asks it for its tap file (VHOST_KVS_TAP_FD), and
 * runs QEMU with
 *
 *   -netdev tap,id=ID,fd=TAP,vhost=on,vhostfd=VHOST
 *   -device virtio-net-pci,netdev=ID,mac=MAC        (left out with -N)
 *
 * added to its arguments. QEMU then drives the port as it drives
 * vhost-net on a tap; the port leaves the switch when QEMU exits. ID
 * defaults to "kvs0". Errors name their cause and exit 1 before QEMU runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost_kvs.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: kvs-launch -s SWITCH -m MAC [-i ID] [-N] -- QEMU [ARGS...]\n");
	exit(2);
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

/* The attached port's files, inherited by QEMU; exits on failure. */
static void open_port(const char *sw, const char *macs, int *vfd, int *tfd)
{
	struct vhost_kvs_attach a = { 0 };

	if (strlen(sw) == 0 || strlen(sw) >= sizeof(a.switch_name)) {
		fprintf(stderr, "kvs-launch: switch name '%s' must be 1 to %zu characters\n",
			sw, sizeof(a.switch_name) - 1);
		exit(1);
	}
	if (parse_mac(macs, a.mac)) {
		fprintf(stderr, "kvs-launch: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)\n",
			macs);
		exit(1);
	}
	strcpy(a.switch_name, sw);
	*vfd = open("/dev/vhost-kvs", O_RDWR);
	if (*vfd < 0) {
		fprintf(stderr, "kvs-launch: cannot open /dev/vhost-kvs (host kernel without CONFIG_VHOST_KVS?): %s\n",
			strerror(errno));
		exit(1);
	}
	if (ioctl(*vfd, VHOST_KVS_ATTACH, &a)) {
		if (errno == ENOENT)
			fprintf(stderr, "kvs-launch: no switch '%s' in this network namespace (create it with 'kvsctl switch add %s')\n",
				sw, sw);
		else if (errno == EINVAL)
			fprintf(stderr, "kvs-launch: switch '%s' refused MAC address %s (must be unicast, not all zeroes)\n",
				sw, macs);
		else
			fprintf(stderr, "kvs-launch: attach to '%s': %s\n", sw,
				strerror(errno));
		exit(1);
	}
	*tfd = ioctl(*vfd, VHOST_KVS_TAP_FD);
	if (*tfd < 0) {
		fprintf(stderr, "kvs-launch: no tap file from /dev/vhost-kvs: %s\n",
			strerror(errno));
		exit(1);
	}
	/* The tap file is made close-on-exec; QEMU must inherit it. */
	if (fcntl(*tfd, F_SETFD, 0)) {
		perror("kvs-launch: fcntl");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *sw = NULL, *mac = NULL, *id = "kvs0";
	char netdev[128], device[128];
	int opt, no_device = 0, vfd, tfd, n = 0, i;
	char **qargv;

	while ((opt = getopt(argc, argv, "+s:m:i:N")) != -1) {
		switch (opt) {
		case 's': sw = optarg; break;
		case 'm': mac = optarg; break;
		case 'i': id = optarg; break;
		case 'N': no_device = 1; break;
		default: usage();
		}
	}
	if (!sw || !mac || optind >= argc)
		usage();
	open_port(sw, mac, &vfd, &tfd);

	snprintf(netdev, sizeof(netdev), "tap,id=%s,fd=%d,vhost=on,vhostfd=%d",
		 id, tfd, vfd);
	snprintf(device, sizeof(device), "virtio-net-pci,netdev=%s,mac=%s",
		 id, mac);
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
