# SPDX-License-Identifier: GPL-2.0
# Real guests on Leulo: a nested guest with a NIC on vhost-kvs switch lsw
# and a Leulo device (-device vhost-leulo-pci of the patched QEMU), whose
# unmodified programs' TCP sockets are host sockets in namespace leulo1
# of this test host. The switch splits the guest's traffic: TCP for its
# MAC to the host port made with tcp-for in leulo1, the rest to its NIC,
# ARP to both. Run by tests/guests-leulo.sh.
#
#   lg1 eth0 10.77.0.2 ----------+
#   lg1 ==Leulo==> netns leulo1: |lv1 10.77.0.2 (tcp-for lg1's MAC)
#                          switch lsw --- lv0 10.77.0.1 (L1's stack)
#   lg2 eth0 10.77.0.3 ----------+   (no Leulo)
#
# Bad configurations first, then ping and UDP answered by the guest's
# own stack, busybox wget and httpd both ways with SHA-256 compared, a
# connection made while the guest is paused, iperf3 both ways, a
# refused, a reset, a timed-out and a half-closed connection, a reader
# slower than the guest's posted sends, closes with posted data left
# (kept, timed out, aborted), 1,000
# connections open at once, wget both
# ways with a second guest on the switch (lg2, without Leulo), the
# guest's sysctl turning Leulo off (its own TCP then leaves by its NIC),
# live migration refused, and QEMU killed with connections open (nothing
# left in the namespace).
. /kvs/lib.sh
IP=/usr/sbin/ip
NS=leulo1
NSF=/run/netns/$NS
# On a failure, the guest's console says what its side saw.
console_tail() {
	[ "$FAILS" -eq 0 ] && return
	echo "# lg1's console: its first kernel report, then its last lines"
	guest_reports | sed 's/^/#   /'
	tail -n 15 /tmp/lg1.log /tmp/lg1.err 2>/dev/null | sed 's/^/#   /'
}
trap 'console_tail; guests_stop; kvsctl switch del lsw 2>/dev/null; $IP netns del $NS 2>/dev/null; kill $(jobs -p) 2>/dev/null' EXIT
trap 'exit 1' TERM
# A guest kernel that reported a bug once up fails the test at once (the
# emulated CPU's xstate warning at boot is the test bed's, not ours).
guest_reports() {
	sed -n '/KVS_L2_READY/,$p' /tmp/lg1.log |
		sed -n '/\] \(WARNING:\|BUG:\|Oops\|Kernel panic\)/,+45p' | head -n 60
}
guest_kernel_ok() {
	if [ -n "$(guest_reports)" ]; then
		echo "not ok - lg1's kernel reported a bug (its console below)"
		FAILS=$((FAILS + 1))
		exit 1
	fi
}

# the guest's output of CMD (bounded), or nothing
in_guest() { guest_run lg1 "$@"; }
# sockets of leulo1 (LISTEN ones too)
ns_socks() { $IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 | grep -vc 'local_address'; }
# snmp_of FIELD: that counter of /proc/net/snmp's Icmp/Udp/Tcp lines (the
# first line names the columns), from standard input
SNMP_AWK='$1 == P ":" { if (!c) { for (i = 2; i <= NF; i++) if ($i == F) c = i } else print $c }'
snmp_ns() { $IP netns exec $NS awk -v P="$1" -v F="$2" "$SNMP_AWK" /proc/net/snmp; }
snmp_guest() { in_guest 20 "awk -v P=$1 -v F=$2 '$SNMP_AWK' /proc/net/snmp"; }
MAC=52:54:00:00:01:07

$IP link set lo up
$IP netns del $NS 2>/dev/null
kvsctl switch del lsw 2>/dev/null
check "switch lsw: host port lv0 10.77.0.1 for the test host" sh -c "
	kvsctl switch add lsw && kvsctl port add lsw host lv0 >/dev/null &&
	$IP addr add 10.77.0.1/24 dev lv0 && $IP link set lv0 up"
# (No duplicate address detection against the guest, which has the
# same addresses, and no link-local address: the guest has its MAC's.)
check "namespace $NS: host port lv1 10.77.0.2 with tcp-for $MAC" sh -c "
	$IP netns add $NS && $IP -n $NS link set lo up &&
	kvsctl port add lsw host lv1 tcp-for $MAC netns $NSF >/dev/null &&
	$IP netns exec $NS sysctl -qw net.ipv6.conf.lv1.accept_dad=0 &&
	$IP -n $NS link set lv1 addrgenmode none &&
	$IP -n $NS addr add 10.77.0.2/24 dev lv1 && $IP -n $NS link set lv1 up"
check "kvsctl port show: lv1 takes $MAC's TCP" \
	sh -c "kvsctl port show lsw | grep ' dev lv1 ' | grep -q ' tcp-for $MAC'"

# shellcheck disable=SC2086
{
refused "no netns: QEMU stops, saying so" "netns" \
	qemu-kvs $QEMU_NOGUEST -nic none -device vhost-leulo-pci
refused "a netns that is not there: QEMU stops, naming it" "/run/netns/nosuch" \
	qemu-kvs $QEMU_NOGUEST -nic none -device vhost-leulo-pci,netns=/run/netns/nosuch
refused "the host's own namespace: refused" "not permitted" \
	qemu-kvs $QEMU_NOGUEST -nic none -device vhost-leulo-pci,netns=/proc/1/ns/net
}

mkdir -p /tmp/www
head -c 1048576 /dev/urandom >/tmp/www/f
sum_f=$(sha256sum </tmp/www/f | cut -d' ' -f1)
busybox httpd -p 10.77.0.1:8080 -h /tmp/www
iperf3 -s -B 10.77.0.1 -D -1 >/dev/null 2>&1

L2_QEMU=qemu-kvs L2_APPEND=loglevel=7 guest_start lg1 10.77.0.2/24 \
	$(nic_kvs 7 lsw) $(qmp_args lg1) -device vhost-leulo-pci,netns=$NSF || {
	echo "not ok - guest lg1 with a NIC and a Leulo device boots"
	exit 1
}
out=$(in_guest 20 cat /proc/sys/net/leulo/enabled)
check "the guest's Leulo is on (net.leulo.enabled = $out)" [ "$out" = 1 ]

# What is not TCP goes to the guest's own stack, not to leulo1.
echoes0=$(snmp_guest Icmp InEchos)
ns_udp0=$(($(snmp_ns Udp InDatagrams) + $(snmp_ns Udp NoPorts)))
ns_echoes0=$(snmp_ns Icmp InEchos)
check "ping from the test host to 10.77.0.2" ping -c 2 -W 5 10.77.0.2
echoes=$(snmp_guest Icmp InEchos)
check "...answered by the guest's own stack (its InEchos $echoes0 -> $echoes)" \
	[ "$echoes" -ge $((echoes0 + 2)) ]
# A datagram to a port nobody has open: the guest's stack counts it.
noports0=$(snmp_guest Udp NoPorts)
python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'steer', ('10.77.0.2', 9999))"
noports_grew() { [ "$(snmp_guest Udp NoPorts)" -gt "$noports0" ]; }
check "UDP from the test host reaches the guest's own stack (its NoPorts grew)" \
	retry 10 noports_grew

got=$(in_guest 120 "wget -q -O - http://10.77.0.1:8080/f | sha256sum" | cut -d' ' -f1)
echo "# guest got $got, want $sum_f"
check "guest wget from the test host's httpd, 1 MiB, SHA-256 equal" [ "$got" = "$sum_f" ]
guest_kernel_ok

# (The guest agent takes one line per command.)
sum_g=$(in_guest 60 "mkdir -p /tmp/www && head -c 1048576 /dev/urandom >/tmp/www/g && httpd -p 80 -h /tmp/www && sha256sum </tmp/www/g" | cut -d' ' -f1)
guest_kernel_ok
# (busybox httpd listens on :: when the guest has IPv6: tcp6 then)
check "the guest's listener is a host socket in $NS (LISTEN on :80)" \
	sh -c "$IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 | grep -q ':0050 0*:0000 0A'"
# (busybox 1.35's wget -T crashes: timeout(1) bounds it instead)
got=$(timeout 60 wget -q -O - http://10.77.0.2/g | sha256sum | cut -d' ' -f1)
echo "# test host got $got, guest has $sum_g"
check "test host wget from the guest's httpd, 1 MiB, SHA-256 equal" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$got" "$sum_g"
guest_kernel_ok
# (Checked after that transfer: what the switch gave lv1 earlier, lv1
# received before it.)
check "leulo1's stack saw none of the ping and UDP sent to the guest" \
	sh -c '[ "$1" = "$2" ] && [ "$3" = "$4" ]' _ "$(snmp_ns Icmp InEchos)" \
	"$ns_echoes0" "$(($(snmp_ns Udp InDatagrams) + $(snmp_ns Udp NoPorts)))" \
	"$ns_udp0"

# The paper's point: with the guest paused (QMP stop), the host's TCP
# still answers for it. A connection to its listener is established in
# leulo1; the request is served once the guest runs again.
check "QMP stop: the guest is paused" qmp lg1 '{"execute":"stop"}'
(timeout 90 wget -q -O - http://10.77.0.2/g | sha256sum | cut -d' ' -f1 >/tmp/lg-paused) &
check "guest paused: the host's TCP establishes a connection to its :80" \
	retry 10 sh -c "$IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 | grep -q ':0050 [0-9A-F]*:[0-9A-F]* 01'"
check "QMP cont: it runs again" qmp lg1 '{"execute":"cont"}'
check "and once it runs again, that request is served (SHA-256 equal)" \
	retry 60 sh -c '[ "$(cat /tmp/lg-paused 2>/dev/null)" = "$1" ]' _ "$sum_g"

out=$(in_guest 60 "iperf3 -c 10.77.0.1 -t 3 -f m")
echo "$out" | grep -E 'sender|receiver' | sed 's/^/# /'
check "iperf3 guest -> test host" sh -c 'echo "$1" | grep -q receiver' _ "$out"
iperf3 -s -B 10.77.0.1 -D -1 >/dev/null 2>&1
out=$(in_guest 60 "iperf3 -c 10.77.0.1 -t 3 -f m -R")
echo "$out" | grep -E 'sender|receiver' | sed 's/^/# /'
check "iperf3 test host -> guest (-R)" sh -c 'echo "$1" | grep -q receiver' _ "$out"
guest_kernel_ok

# wget_fails DESC PORT PATTERN: the guest's wget from the test host's
# PORT fails (exit 1), saying PATTERN
wget_fails() {
	local out
	out=$(in_guest 30 "timeout 20 wget -q -O /dev/null http://10.77.0.1:$2/ 2>&1; echo rc=\$?")
	echo "$out" | sed 's/^/# /'
	check "$1" sh -c 'echo "$1" | grep -qi "$2" && echo "$1" | grep -q "rc=1"' \
		_ "$out" "$3"
}
wget_fails "a refused connection says so in the guest" 9 "Connection refused"

# A reset and a timeout, as the host's TCP in leulo1 meets them: a
# server that answers with RST (SO_LINGER 0), and a listener whose full
# accept queue drops the guest's SYNs (leulo1 gives up after one retry).
python3 -c '
import socket, struct
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.1", 8081))
s.listen()
c, _ = s.accept()
c.recv(1024)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()' &
rst=$!
check "a server that resets listens on 10.77.0.1:8081" \
	retry 20 sh -c "grep -q ':1F91 00000000:0000 0A' /proc/net/tcp"
wget_fails "a reset connection says so in the guest" 8081 "reset by peer"
kill $rst 2>/dev/null
$IP netns exec $NS sysctl -qw net.ipv4.tcp_syn_retries=1
python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.1", 8082))
s.listen(0)
f = socket.create_connection(("10.77.0.1", 8082))
print("full", flush=True)
time.sleep(120)' >/tmp/lg-full &
full=$!
check "a listener on 10.77.0.1:8082 with its accept queue full" \
	retry 20 grep -q full /tmp/lg-full
wget_fails "a connection whose SYNs go unanswered times out in the guest" \
	8082 "timed out"
kill $full 2>/dev/null
$IP netns exec $NS sysctl -qw net.ipv4.tcp_syn_retries=6
# guest_get PATH half|slow: the SHA-256 of what the guest's httpd sends
# for PATH, to a client that shuts its sending side down after the
# request (half), or that reads nothing for 3 s (slow). (A small receive
# buffer would make 8 MiB take minutes on the debug kernel.)
guest_get() {
	timeout 120 python3 -c '
import hashlib, socket, sys, time
s = socket.socket()
s.connect(("10.77.0.2", 80))
s.sendall(b"GET /%s HTTP/1.0\r\n\r\n" % sys.argv[1].encode())
if sys.argv[2] == "half":
    s.shutdown(socket.SHUT_WR)
else:
    time.sleep(3)
d = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    d += b
print(hashlib.sha256(d.split(b"\r\n\r\n", 1)[1]).hexdigest())' "$1" "$2"
}
# Half-close: the test host sends its request and shuts its sending side
# down; the guest's httpd reads the request, sees the end of the stream,
# and still sends its whole answer.
got=$(guest_get g half)
check "half-close: the guest answers a request whose sender shut down writing (SHA-256 equal)" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$got" "$sum_g"
guest_kernel_ok
# A reader that holds back: the guest's send() does not wait for the
# host (leulo_gtx.c), so httpd's data waits in posted SENDs that the
# host's socket, full (8 MiB is more than the buffers on the way hold),
# takes in parts as the reader drains it; httpd
# closes while the last is posted. Every byte must still come, then the
# end of the stream.
sum_b=$(in_guest 60 "head -c 8388608 /dev/urandom >/tmp/www/b && sha256sum </tmp/www/b" | cut -d' ' -f1)
got=$(guest_get b slow)
echo "# test host got $got, guest has $sum_b"
check "a slow reader gets all 8 MiB the guest sent without waiting, then its close (SHA-256 equal)" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$got" "$sum_b"
guest_kernel_ok

# fill_peer PORT SECS: a test-host server on PORT, with a 4 KiB receive
# buffer, that reads nothing for SECS seconds (or until /tmp/lg-go is
# there), then everything, checking kvs-rr -f's pattern; it writes
# "got BYTES end|reset pattern-ok|pattern-bad" to /tmp/lg-fill.
fill_peer() {
	rm -f /tmp/lg-go /tmp/lg-fill
	timeout 120 python3 -c '
import os, socket, sys, time
port, wait = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(("10.77.0.1", port))
s.listen()
print("listening", flush=True)
c, _ = s.accept()
end = time.time() + wait
while time.time() < end and not os.path.exists("/tmp/lg-go"):
    time.sleep(0.1)
n, ok, how = 0, True, "end"
try:
    while True:
        b = c.recv(65536)
        if not b:
            break
        ok = ok and all(x == (n + i) % 251 for i, x in enumerate(b))
        n += len(b)
except ConnectionResetError:
    how = "reset"
print("got %d %s %s" % (n, how, "pattern-ok" if ok else "pattern-bad"), flush=True)
' "$1" "$2" >/tmp/lg-fill &
	retry 20 grep -q listening /tmp/lg-fill
}
# fill_guest ARGS: the guest's kvs-rr -f ARGS to the test host: bytes taken
fill_guest() {
	in_guest 30 "kvs-rr -c 10.77.0.1 $*" | sed -n 's/^filled bytes=\([0-9]*\)$/\1/p'
}
# in_ns_to PORT: a socket of leulo1 connected to the test host's PORT
in_ns_to() {
	$IP netns exec $NS cat /proc/net/tcp | grep -q " 01004D0A:$(printf %04X "$1") "
}
# A guest program fills a connection (its last send() posted, the host's
# socket full) and closes it: close() returns at once, the host socket
# stays until the posted data is taken, then ends the stream.
check "a test-host server that reads nothing yet on :8083" fill_peer 8083 60
filled=$(fill_guest -p 8083 -f)
check "the guest filled a connection whose peer does not read and closed it (${filled:-no} bytes)" \
	[ "${filled:-0}" -gt 0 ]
check "...its host socket waits in $NS with the data" in_ns_to 8083
touch /tmp/lg-go
check "...and the peer, reading then, gets every byte, then the end of the stream" \
	retry 30 grep -qx "got $filled end pattern-ok" /tmp/lg-fill
# A peer that never reads: the closed socket's data waits at most
# net.leulo.close_timeout seconds, then the host socket is reset.
out=$(in_guest 20 "echo 2 >/proc/sys/net/leulo/close_timeout && cat /proc/sys/net/leulo/close_timeout")
check "net.leulo.close_timeout set to 2 in the guest ($out)" [ "$out" = 2 ]
check "a test-host server that reads nothing for 60 s on :8084" fill_peer 8084 60
filled=$(fill_guest -p 8084 -f)
check "the guest filled and closed a connection whose peer never reads (${filled:-no} bytes)" \
	[ "${filled:-0}" -gt 0 ]
check "...its host socket is reset within close_timeout (gone from $NS)" \
	retry 15 sh -c "! $IP netns exec $NS cat /proc/net/tcp | grep -q ' 01004D0A:1F94 '"
touch /tmp/lg-go
check "...and the peer sees the reset" retry 30 grep -q "^got [0-9]* reset pattern-ok$" /tmp/lg-fill
in_guest 20 "echo 60 >/proc/sys/net/leulo/close_timeout" >/dev/null
# SO_LINGER 0: the close drops the posted data and resets at once.
check "a test-host server that reads nothing yet on :8085" fill_peer 8085 60
filled=$(fill_guest -p 8085 -f -L)
check "the guest filled a connection and closed it with SO_LINGER 0 (${filled:-no} bytes)" \
	[ "${filled:-0}" -gt 0 ]
check "...its host socket is reset at once (gone from $NS)" \
	retry 5 sh -c "! $IP netns exec $NS cat /proc/net/tcp | grep -q ' 01004D0A:1F95 '"
touch /tmp/lg-go
check "...and the peer sees the reset" retry 30 grep -q "^got [0-9]* reset pattern-ok$" /tmp/lg-fill
guest_kernel_ok

# 1,000 connections at once: the guest holds them all (Leulo sockets,
# host sockets in leulo1), then makes one transaction on each.
kvs-rr -s -p 5302 -D
# kvs-rr -s first reads its listener, which must fail with ENOTCONN at
# once: a Leulo listener's mask is empty, and no data must not mean wait.
check "a Leulo listener in the guest: recv() on it fails with ENOTCONN (kvs-rr -s)" \
	in_guest 30 "timeout 10 kvs-rr -s -p 5303 -D"
check "kvs-rr serves on the test host's :5302" \
	retry 20 sh -c "grep -q ':14B6 00000000:0000 0A' /proc/net/tcp"
out=$(in_guest 180 "kvs-rr -c 10.77.0.1 -p 5302 -n 1000 2>&1")
echo "$out" | sed 's/^/# /'
check "1,000 concurrent connections from the guest, each echoed (500 peeked at with MSG_PEEK|MSG_TRUNC first, the first one's TCP_INFO established)" \
	sh -c 'echo "$1" | grep -q "^conns open=1000 echoed=1000$"' _ "$out"
peak=$(kvsctl -j leulo show | sed -n 's/.*"sockets_peak":\([0-9]*\).*/\1/p' | head -n 1)
check "...as Leulo sockets (the device's sockets_peak, $peak, >= 1000)" \
	[ "${peak:-0}" -ge 1000 ]
pkill -f "kvs-rr -s -p 5302"
guest_kernel_ok

# Beside a guest without Leulo on the same switch: lg2's own TCP to lg1
# goes to leulo1 (the switch steers TCP for lg1's MAC there), and lg1's
# connections leave leulo1 by lv1 for lg2's NIC.
L2_QEMU=qemu-kvs guest_start lg2 10.77.0.3/24 $(nic_kvs 8 lsw) || {
	echo "not ok - guest lg2 (no Leulo) boots on lsw"
	exit 1
}
got=$(guest_run lg2 120 "wget -q -O - http://10.77.0.2/g | sha256sum" | cut -d' ' -f1)
check "a guest without Leulo fetches from the Leulo guest's httpd (SHA-256 equal)" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$got" "$sum_g"
sum_h=$(guest_run lg2 60 "mkdir -p /tmp/www && head -c 1048576 /dev/urandom >/tmp/www/h && httpd -p 80 -h /tmp/www && sha256sum </tmp/www/h" | cut -d' ' -f1)
got=$(in_guest 120 "wget -q -O - http://10.77.0.3/h | sha256sum" | cut -d' ' -f1)
check "the Leulo guest fetches from the other guest's httpd (SHA-256 equal)" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$got" "$sum_h"
guest_kernel_ok

# With Leulo off, a socket is the guest's own: its connection attempt
# leaves by its NIC, and the answer, TCP for the guest's MAC, goes to
# leulo1 (the switch steers all of it there), so it never completes.
opens0=$(snmp_guest Tcp ActiveOpens)
out=$(in_guest 30 "echo 0 >/proc/sys/net/leulo/enabled && timeout 5 wget -q -O /dev/null http://10.77.0.1:8080/f 2>&1; echo rc=\$?; echo 1 >/proc/sys/net/leulo/enabled")
echo "$out" | sed 's/^/# /'
opens=$(snmp_guest Tcp ActiveOpens)
check "with net.leulo.enabled = 0 the guest's own TCP is used (ActiveOpens $opens0 -> $opens), not completed" \
	sh -c '[ "$1" -gt "$2" ] && ! echo "$3" | grep -q "rc=0"' _ "$opens" "$opens0" "$out"
got=$(in_guest 60 "wget -q -O - http://10.77.0.1:8080/f | sha256sum" | cut -d' ' -f1)
check "and with 1 again, Leulo carries it again" [ "$got" = "$sum_f" ]

out=$(qmp lg1 '{"execute":"migrate","arguments":{"uri":"exec:cat >/dev/null"}}')
echo "# $out"
check "live migration refused, naming Leulo" \
	sh -c 'echo "$1" | grep -q "error" && echo "$1" | grep -qi leulo' _ "$out"

# Connections left open: the test host connects to the guest's httpd and
# sends nothing, so the guest holds the accepted socket (busybox httpd
# waits 60 s for a request); then QEMU is killed.
# (nc reads a FIFO this shell holds open: nothing to send, no end either)
rm -f /tmp/nc80.in /tmp/nc80.done && mkfifo /tmp/nc80.in && exec 7<>/tmp/nc80.in
{ nc 10.77.0.2 80 </tmp/nc80.in >/dev/null 2>&1; echo done >/tmp/nc80.done; } &
check "an open connection to the guest's httpd, seen in $NS" \
	retry 10 sh -c "$IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 | grep -q ':0050 [0-9A-F]*:[0-9A-F]* 01'"
n=$(ns_socks)
check "listening and connected sockets in $NS before the kill ($n)" [ "$n" -ge 2 ]
kill -9 "$(cat /tmp/lg1.pid)"
check "QEMU killed: the test host's end sees the connection closed" \
	retry 10 test -e /tmp/nc80.done
check "QEMU killed: no socket left in $NS but TIME-WAIT/FIN ones closing" \
	retry 30 sh -c "! $IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 | grep -v local_address |
		awk '\$4 != \"06\" && \$4 != \"04\" && \$4 != \"05\" && \$4 != \"09\"' | grep -q ."
$IP netns exec $NS cat /proc/net/tcp /proc/net/tcp6 | sed 's/^/# /'
[ "$FAILS" -eq 0 ]
