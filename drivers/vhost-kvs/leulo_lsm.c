// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-leulo: a request's socket calls made as the system calls make
 * them, security hooks included.
 *
 * The kernel_*() helpers skip the LSM hooks that bind(), connect(),
 * listen(), accept(), shutdown(), getsockname(), getpeername(),
 * setsockopt() and getsockopt() run: a guest's Leulo sockets would escape
 * the policy its VMM is under (Landlock's TCP rules, an SELinux or
 * AppArmor profile). These run the hook first, under the credentials the
 * requests run with, the VMM's (leulo_req_run()).
 *
 * The hooks are not exported to modules. A module built for a kernel
 * with socket hooks cannot run them: its devices refuse to start unless
 * the admin loaded it with leulo_unhooked=1, accepting the gap.
 */
#include <linux/module.h>
#include <linux/security.h>
#include <net/sock.h>

#include "leulo.h"

#if defined(MODULE) && IS_ENABLED(CONFIG_SECURITY_NETWORK)
#define LEULO_HOOKS	0

static bool leulo_unhooked;
module_param_named(leulo_unhooked, leulo_unhooked, bool, 0444);
MODULE_PARM_DESC(leulo_unhooked,
		 "Leulo: run devices although this module cannot run the socket LSM hooks");

bool leulo_lsm_may_start(void)
{
	if (!leulo_unhooked)
		pr_warn_once("vhost-leulo: a module cannot run the socket LSM hooks of its requests; devices start only with leulo_unhooked=1\n");
	return leulo_unhooked;
}
#else
#define LEULO_HOOKS	1

bool leulo_lsm_may_start(void)
{
	return true;
}
#endif

/* Without LEULO_HOOKS the call is compiled out: no reference to the hook. */
#define leulo_hook(call)	(LEULO_HOOKS ? (call) : 0)

int leulo_bind(struct socket *sock, struct sockaddr *addr, int len)
{
	return leulo_hook(security_socket_bind(sock, addr, len)) ?:
	       kernel_bind(sock, addr, len);
}

int leulo_connect(struct socket *sock, struct sockaddr *addr, int len)
{
	return leulo_hook(security_socket_connect(sock, addr, len)) ?:
	       kernel_connect(sock, addr, len, O_NONBLOCK);
}

int leulo_listen(struct socket *sock, int backlog)
{
	return leulo_hook(security_socket_listen(sock, backlog)) ?:
	       kernel_listen(sock, backlog);
}

/*
 * As accept() does it, not kernel_accept(): the hook needs the new
 * socket before the connection is taken, and the new socket is the VMM's
 * like the listener (kern = 0), not a kernel socket.
 */
int leulo_accept(struct socket *sock, struct socket **newsock)
{
	const struct proto_ops *ops = READ_ONCE(sock->ops);
	struct proto_accept_arg arg = { .flags = O_NONBLOCK };
	struct socket *new;
	int err;

	new = sock_alloc();
	if (!new)
		return -ENFILE;
	new->type = sock->type;
	new->ops = ops;
	__module_get(ops->owner);
	err = leulo_hook(security_socket_accept(sock, new)) ?:
	      ops->accept(sock, new, &arg);
	if (err) {
		sock_release(new);
		return err;
	}
	*newsock = new;
	return 0;
}

int leulo_shutdown(struct socket *sock, int how)
{
	return leulo_hook(security_socket_shutdown(sock, how)) ?:
	       kernel_sock_shutdown(sock, how);
}

int leulo_getname(struct socket *sock, struct sockaddr *addr, bool peer)
{
	if (peer)
		return leulo_hook(security_socket_getpeername(sock)) ?:
		       kernel_getpeername(sock, addr);
	return leulo_hook(security_socket_getsockname(sock)) ?:
	       kernel_getsockname(sock, addr);
}

int leulo_lsm_setsockopt(struct socket *sock, int level, int name)
{
	return leulo_hook(security_socket_setsockopt(sock, level, name));
}

int leulo_lsm_getsockopt(struct socket *sock, int level, int name)
{
	return leulo_hook(security_socket_getsockopt(sock, level, name));
}
