// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-kvs: virtio-net rings switched inside the host kernel.
 * Module init and exit only; each concern lives in its own file.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "kvs.h"

static int __init kvs_init(void)
{
	int err;

	err = kvs_switch_init();
	if (err)
		goto err_switch;
	/* Before the family: no uplink is made that it does not watch. */
	err = kvs_uplink_init();
	if (err)
		goto err_uplink;
	err = kvs_netlink_init();
	if (err)
		goto err_netlink;
	err = misc_register(&kvs_misc);
	if (err)
		goto err_misc;
	err = kvs_leulo_init();
	if (err)
		goto err_leulo;
	return 0;

err_leulo:
	misc_deregister(&kvs_misc);
err_misc:
	kvs_netlink_exit();
err_netlink:
	kvs_uplink_exit();
err_uplink:
	kvs_switch_exit();
err_switch:
	pr_err("vhost-kvs: initialisation failed: %d\n", err);
	return err;
}

static void __exit kvs_exit(void)
{
	kvs_leulo_exit();
	misc_deregister(&kvs_misc);
	kvs_netlink_exit();
	kvs_uplink_exit();
	kvs_switch_exit();
}

module_init(kvs_init);
module_exit(kvs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vhost-kvs: in-kernel switch for virtio-net rings");
MODULE_ALIAS_GENL_FAMILY(VHOST_KVS_FAMILY_NAME);
