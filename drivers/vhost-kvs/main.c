// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-kvs: virtio-net rings switched inside the host kernel.
 * Module init and exit only; each concern lives in its own file.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "kvs.h"

static int __init kvs_init(void)
{
	int err;

	err = misc_register(&kvs_misc);
	if (err)
		pr_err("vhost-kvs: cannot register /dev/vhost-kvs: %d\n", err);
	return err;
}

static void __exit kvs_exit(void)
{
	misc_deregister(&kvs_misc);
}

module_init(kvs_init);
module_exit(kvs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vhost-kvs: in-kernel switch for virtio-net rings");
