// SPDX-License-Identifier: GPL-2.0
/*
 * A port file joining and leaving a switch: VHOST_KVS_ATTACH and
 * VHOST_KVS_DETACH, with every refusal their uapi comment promises, more
 * files joining a port as its queue pairs (VHOST_KVS_ADD_QUEUE), and
 * what a holder of the file may do without CAP_NET_ADMIN over the
 * switch's network namespace (leave; not attach again, which would shed
 * the policy the admin set on the port).
 *
 * Each test gets a switch of its own, made and deleted over the
 * vhost-kvs generic netlink family. Run as root, in a kernel with
 * CONFIG_VHOST_KVS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs.h>
#include <linux/vhost_kvs_netlink.h>

#include "../../../kselftest_harness.h"

#define DEV	"/dev/vhost-kvs"

static const __u8 mac_a[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const __u8 mac_b[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x57 };

struct nlreq {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static void nl_put(struct nlreq *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Send @r and read the one answer into @r: the reply, or the error
 * message (-errno, 0 for an ack). @flags: NLM_F_ACK for a request that has
 * no reply, 0 for one that has (else its ack would be left queued, and
 * taken for the answer to the next request).
 */
static int nl_talk(int s, struct nlreq *r, __u16 type, __u8 cmd, __u16 flags)
{
	struct nlmsgerr *e;
	ssize_t n;

	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
	r->g.cmd = cmd;
	r->g.version = 1;
	if (send(s, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(s, r, sizeof(*r), 0);
	if (n < (ssize_t)NLMSG_HDRLEN)
		return n < 0 ? -errno : -EIO;
	if (r->n.nlmsg_type != NLMSG_ERROR)
		return 0;	/* the reply */
	e = NLMSG_DATA(&r->n);
	return e->error;
}

/* The family's id, or -errno. */
static int kvs_family(int s)
{
	struct nlreq r = { .n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) };
	char *at = r.buf, *end;
	struct nlattr *a;
	int err;

	nl_put(&r, CTRL_ATTR_FAMILY_NAME, VHOST_KVS_FAMILY_NAME,
	       sizeof(VHOST_KVS_FAMILY_NAME));
	err = nl_talk(s, &r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	if (err)
		return err;
	end = (char *)&r + r.n.nlmsg_len;
	for (; at + NLA_HDRLEN <= end; at += NLA_ALIGN(a->nla_len)) {
		a = (struct nlattr *)at;
		if (a->nla_len < NLA_HDRLEN || at + a->nla_len > end)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(__u16 *)(at + NLA_HDRLEN);
	}
	return -ENOENT;
}

static int kvs_switch(int s, int family, __u8 cmd, const char *name)
{
	struct nlreq r = { .n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) };

	nl_put(&r, VHOST_KVS_A_SWITCH_NAME, name, strlen(name) + 1);
	return nl_talk(s, &r, family, cmd, NLM_F_ACK);
}

static int attach(int fd, const char *sw, const __u8 *mac, __u16 flags,
		  __u32 reserved)
{
	struct vhost_kvs_attach a = { .flags = flags };

	/* Names of 16 bytes or more arrive without NUL, on purpose. */
	memcpy(a.switch_name, sw, strnlen(sw, sizeof(a.switch_name)));
	memcpy(a.mac, mac, 6);
	a.reserved[2] = reserved;
	return ioctl(fd, VHOST_KVS_ATTACH, &a) ? -errno : 0;
}

static int detach(int fd)
{
	return ioctl(fd, VHOST_KVS_DETACH, NULL) ? -errno : 0;
}

FIXTURE(port) {
	int nl, family;
	char sw[VHOST_KVS_NAME_LEN];
	int fd, fd2;		/* two ports */
};

FIXTURE_SETUP(port)
{
	self->fd = -1;
	self->fd2 = -1;
	self->nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	ASSERT_LE(0, self->nl);
	self->family = kvs_family(self->nl);
	if (self->family < 0 || access(DEV, R_OK | W_OK))
		SKIP(return, "no vhost-kvs here (CONFIG_VHOST_KVS)");
	snprintf(self->sw, sizeof(self->sw), "ksft%d", getpid());
	ASSERT_EQ(0, kvs_switch(self->nl, self->family,
				VHOST_KVS_CMD_SWITCH_NEW, self->sw));
	self->fd = open(DEV, O_RDWR);
	self->fd2 = open(DEV, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_LE(0, self->fd2);
}

FIXTURE_TEARDOWN(port)
{
	if (self->fd2 >= 0)
		close(self->fd2);
	if (self->fd >= 0)
		close(self->fd);
	if (self->family > 0)
		kvs_switch(self->nl, self->family, VHOST_KVS_CMD_SWITCH_DEL,
			   self->sw);
	close(self->nl);
}

TEST_F(port, refusals)
{
	const __u8 mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	const __u8 zero[6] = { 0 };

	EXPECT_EQ(-ENOENT, attach(self->fd, "no-such-switch", mac_a, 0, 0));
	EXPECT_EQ(-EINVAL, attach(self->fd, "", mac_a, 0, 0));
	EXPECT_EQ(-EINVAL, attach(self->fd, "0123456789abcdefXYZ", mac_a, 0, 0));
	EXPECT_EQ(-EINVAL, attach(self->fd, self->sw, mcast, 0, 0));
	EXPECT_EQ(-EINVAL, attach(self->fd, self->sw, zero, 0, 0));
	EXPECT_EQ(-EINVAL, attach(self->fd, self->sw, mac_a, 2, 0));
	EXPECT_EQ(-EINVAL, attach(self->fd, self->sw, mac_a, 0, 1));
	EXPECT_EQ(-ENOTCONN, detach(self->fd));
}

TEST_F(port, attach_detach)
{
	EXPECT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));
	EXPECT_EQ(-EISCONN, attach(self->fd, self->sw, mac_a, 0, 0));
	/* ... whatever switch it names, even none that exists */
	EXPECT_EQ(-EISCONN, attach(self->fd, "no-such-switch", mac_a, 0, 0));
	EXPECT_EQ(0, detach(self->fd));
	EXPECT_EQ(-ENOTCONN, detach(self->fd));
	EXPECT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));	/* again */
}

/* Two ports with one MAC only for a live migration's destination. */
TEST_F(port, mac_in_use)
{
	EXPECT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));
	EXPECT_EQ(-EADDRINUSE, attach(self->fd2, self->sw, mac_a, 0, 0));
	EXPECT_EQ(0, attach(self->fd2, self->sw, mac_a,
			    VHOST_KVS_ATTACH_MIGRATE, 0));
	EXPECT_EQ(0, detach(self->fd2));
	EXPECT_EQ(0, attach(self->fd2, self->sw, mac_b, 0, 0));
}

/* A closed port leaves its switch, and its MAC is free again. */
TEST_F(port, close_detaches)
{
	EXPECT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, attach(self->fd2, self->sw, mac_a, 0, 0));
}

/*
 * A child in a user namespace of its own holds the port's file but not
 * CAP_NET_ADMIN over the switch's namespace. Its answers come back in
 * its exit status, a bit per check.
 */
TEST_F(port, unprivileged)
{
	int status = -1, r;
	pid_t pid;

	ASSERT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		r = 0;
		if (unshare(CLONE_NEWUSER))
			_exit(0x7f);
		r |= (attach(self->fd2, self->sw, mac_b, 0, 0) != -EPERM) << 0;
		r |= (detach(self->fd) != 0) << 1;
		r |= (attach(self->fd, self->sw, mac_a, 0, 0) != -EPERM) << 2;
		_exit(r);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	r = WEXITSTATUS(status);
	ASSERT_NE(0x7f, r) TH_LOG("no user namespace for the child");
	EXPECT_EQ(0, r & 1) TH_LOG("an unprivileged attach was not refused");
	EXPECT_EQ(0, r & 2) TH_LOG("the holder could not leave");
	EXPECT_EQ(0, r & 4) TH_LOG("the holder attached again");
	EXPECT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));	/* the admin may */
}

static int add_queue(int fd, int lead)
{
	return ioctl(fd, VHOST_KVS_ADD_QUEUE, &lead) ? -errno : 0;
}

static int queue_enable(int fd, __u32 on)
{
	return ioctl(fd, VHOST_KVS_SET_QUEUE_ENABLE, &on) ? -errno : 0;
}

static int tun_queue(int tap, short flags)
{
	struct ifreq ifr = { .ifr_flags = flags };

	return ioctl(tap, TUNSETQUEUE, &ifr) ? -errno : 0;
}

/* Multiqueue: files joining a port as queue pairs, and leaving it. */
TEST_F(port, queue_pairs)
{
	int q[VHOST_KVS_QUEUES_MAX], null, n, t;

	for (n = 0; n < VHOST_KVS_QUEUES_MAX; n++) {
		q[n] = open(DEV, O_RDWR);
		ASSERT_LE(0, q[n]);
	}
	null = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, null);
	EXPECT_EQ(-EBADF, add_queue(q[0], -1));
	EXPECT_EQ(-EINVAL, add_queue(q[0], null));
	EXPECT_EQ(-EINVAL, add_queue(q[0], q[0]));		/* itself */
	EXPECT_EQ(-ENOTCONN, add_queue(q[0], self->fd));	/* not attached */
	ASSERT_EQ(0, attach(self->fd, self->sw, mac_a, 0, 0));
	EXPECT_EQ(0, add_queue(q[0], self->fd));
	EXPECT_EQ(-EISCONN, add_queue(q[0], self->fd));
	EXPECT_EQ(-EISCONN, attach(q[0], self->sw, mac_a, 0, 0));
	EXPECT_EQ(-EINVAL, add_queue(q[1], q[0]));	/* a queue pair */
	EXPECT_EQ(-EISCONN, add_queue(self->fd, q[1]));	/* a port */
	for (n = 1; n < VHOST_KVS_QUEUES_MAX - 1; n++)
		if (add_queue(q[n], self->fd))
			break;
	EXPECT_EQ(VHOST_KVS_QUEUES_MAX - 1, n)
		TH_LOG("a port takes %d queue pairs", VHOST_KVS_QUEUES_MAX);
	EXPECT_EQ(-ENOSPC, add_queue(q[n], self->fd));
	EXPECT_EQ(0, detach(q[1]));				/* leaves */
	EXPECT_EQ(-ENOTCONN, detach(q[1]));
	EXPECT_EQ(0, add_queue(q[n], self->fd));	/* its place is free */
	EXPECT_EQ(-EINVAL, queue_enable(q[2], 2));
	EXPECT_EQ(0, queue_enable(q[2], 0));
	EXPECT_EQ(0, queue_enable(q[2], 1));
	t = ioctl(q[3], VHOST_KVS_TAP_FD);
	ASSERT_LE(0, t);
	EXPECT_EQ(0, tun_queue(t, IFF_DETACH_QUEUE));
	EXPECT_EQ(0, tun_queue(t, IFF_ATTACH_QUEUE));
	EXPECT_EQ(-EINVAL, tun_queue(t, IFF_TAP));
	close(t);
	close(q[4]);			/* a queue pair's file closes */
	q[4] = -1;
	close(self->fd);		/* the port goes, with its queues */
	self->fd = -1;
	EXPECT_EQ(-ENOTCONN, detach(q[2]));
	EXPECT_EQ(0, attach(q[2], self->sw, mac_a, 0, 0)); /* free to be a port */
	EXPECT_EQ(0, add_queue(q[3], q[2]));
	for (n = 0; n < VHOST_KVS_QUEUES_MAX; n++)
		if (q[n] >= 0)
			close(q[n]);
	close(null);
}

TEST_HARNESS_MAIN
