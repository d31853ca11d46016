/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVS_LAUNCH_QMP_H
#define KVS_LAUNCH_QMP_H

/* Give a running QEMU the port's files over its QMP socket @path and add
 * netdev @id of them. Returns the exit status: 0, or 1 with a message.
 */
int qmp_hotplug(const char *path, const char *id, const int *vfd,
		const int *tfd, int queues);

#endif
