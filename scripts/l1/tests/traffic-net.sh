# SPDX-License-Identifier: GPL-2.0
# The guest-driver tool (kvs-traffic) against the peer, vhost-net + tap +
# bridge: it must see every frame it sent arrive exactly once and intact.
# This proves the tool that later checks and measures vhost-kvs.
. /kvs/lib.sh

traffic net "vhost-net: 2 ports, 60 B, 20000 frames, each once" -p 2 -s 60 -n 20000
traffic net "vhost-net: 2 ports, 1514 B, 5000 frames, each once" -p 2 -s 1514 -n 5000
traffic net "vhost-net: 4 ports all-to-all, 200 B, 1000 per pair, each once" \
	-p 4 -s 200 -n 1000 -m mesh -w 16
# 46 segments a frame: a small window keeps the tap's queue from overflowing.
traffic net "vhost-net: tcp4 GSO 64 KiB, receiver without offloads: segments intact" \
	-g tcp4 -p 2 -s 65535 -n 100 -w 4
traffic net "vhost-net: tcp4 GSO 64 KiB, receiver with offloads: whole frames" \
	-g tcp4 -O -p 2 -s 65535 -n 100
exit $((FAILS > 0))
