# SPDX-License-Identifier: GPL-2.0
# l1-forensics.sh: sourced by vm-run.sh (and by scripts/tests/
# vm-run-verdicts.sh, which tries the verdicts on made-up consoles).
#
# What a failed L1 boot is looked at with, and the verdicts on it that
# decide whether vm-run.sh boots L1 once more: only for a failure shown to
# be the emulator's (QEMU's TCG emulating AMD SVM for the nested guests),
# never for one where a report or the forensics name vhost or vhost-kvs.
# Documentation/testbed.rst has the failures these were written for.
#
# Uses vm-run.sh's $mon (QEMU monitor FIFOs), $console, $outdir, $BUILD
# and $flavor.

# Kernel reports that fail a run, on the console or in dmesg.
kpat='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible circular|possible recursive|inconsistent lock state|suspicious RCU|kmemleak: [0-9]+ new|blocked for more than'

# mon CMD: one command to QEMU's monitor; prints what it answers within 3 s.
mon() {
	local line
	echo "$1" >"$mon.in"
	while IFS= read -r -t 3 line <&8; do
		printf '%s\n' "${line//$'\r'/}"
	done
}

# symbolize: each kernel text address read on stdin as NAME+OFFSET, from
# the kernel's System.map (the kernel is built without modules).
symbolize() {
	awk -v map="$BUILD/kernel-$flavor/System.map" '
	BEGIN {
		while ((getline l < map) > 0) {
			split(l, f, " ")
			if (f[2] ~ /^[tTwW]$/) { n++; a[n] = hex(f[1]); s[n] = f[3] }
		}
	}
	# Kernel text is in ffffffff8xxxxxxx: its low 32 bits tell it apart,
	# and awk computes in doubles, exact only to 53 bits.
	function hex(h,   i, v) {
		v = 0; h = tolower(substr(h, length(h) > 8 ? length(h) - 7 : 1))
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	{
		v = hex($1); lo = 1; hi = n
		if (n == 0 || v < a[1]) next
		while (lo < hi) { m = int((lo + hi + 1) / 2); if (a[m] <= v) lo = m; else hi = m - 1 }
		# Past the end of the nearest function: data, not text.
		if (v - a[lo] >= 65536) next
		printf "  %s %s+0x%x\n", $1, s[lo], v - a[lo]
	}'
}

# l1_frozen: what each vCPU of a silent L1 is doing: its registers, the
# kernel text addresses found on its stack (as an oops shows "? sym"),
# then an NMI, which L1 (unknown_nmi_panic) answers with a panic and the
# backtrace of every CPU (panic_print=0x40), if its CPUs still run at all.
l1_frozen() {
	local cpu rsp
	exec 8<>"$mon.out"
	while IFS= read -r -t 1 _ <&8; do :; done	# the monitor's banner
	for cpu in 0 1; do
		mon "cpu $cpu" >/dev/null
		echo "== vCPU $cpu"
		mon "info registers" | tee /tmp/kvs-regs.$$ | grep -E '^(RAX|RSI|R8 |R12|RIP|CS |CR0)'
		grep -o 'RIP=[0-9a-f]*' /tmp/kvs-regs.$$ | cut -d= -f2 | symbolize
		rsp=$(grep -o 'RSP=[0-9a-f]*' /tmp/kvs-regs.$$ | cut -d= -f2)
		echo "-- kernel text on its stack (from RSP $rsp):"
		[ -n "$rsp" ] && mon "x/96gx 0x$rsp" | grep -oE '0x[0-9a-f]{16}' |
			sed 's/^0x//' | grep '^ffffffff8' | symbolize
	done
	rm -f /tmp/kvs-regs.$$
	echo "== NMI to all vCPUs; L1's console for the next 30 s:"
	local n0
	n0=$(wc -l <"$console")
	mon nmi >/dev/null
	sleep 30
	tail -n +"$((n0 + 1))" "$console" | head -n 200
}

# emulator_fault: the emulator's nested-SVM interrupt fault, and nothing
# of ours reported. The emulator now and then delivers an interrupt right
# after VMRUN returns, while KVM still has GIF clear and the guest's GS
# base loaded: the handler's per-CPU access faults, and so does the fault
# handler, until the stack overflows. The oops names the RIP of VMRUN's
# next instruction, or (the trace cut short by the recursion) only the
# innermost fault handler; either way the overflowed stack is a KVM vCPU
# thread's, where this project's code never runs.
emulator_fault() {
	grep -q 'stack guard page was hit' "$console" &&
		{ grep -q 'RIP: 0010:__svm_vcpu_run' "$console" ||
			grep -A 3 'stack guard page was hit' "$console" |
			grep -qE 'Comm: CPU [0-9]+/KVM'; } && ! ours_reported
}
# kernel_reports: every report of this boot, from its first line to its
# end marker, without the other CPUs' backtraces that panic_print adds
# (what they were doing, not what went wrong).
kernel_reports() {
	awk -v pat="$kpat" '
		/NMI backtrace for cpu|Sending NMI from CPU/ { inrep = 0 }
		$0 ~ pat { inrep = 1 }
		inrep { print }
		/---\[ end (trace|Kernel panic)/ { inrep = 0 }
	' "$console" "$outdir/dmesg.log"
}
# ours_reported: some report names a vhost worker, vhost or vhost-kvs
# code. Then no fault is the emulator's alone, and nothing is retried.
ours_pat='Comm: vhost-|(kvs|vhost)_[a-z0-9_]*\+0x|drivers/vhost'
ours_reported() {
	kernel_reports | grep -qE "$ours_pat"
}
# masked_irq_taken FILE: a backtrace in FILE shows a maskable interrupt
# (asm_sysvec_*, asm_common_interrupt) taken by code that had interrupts
# off: the interrupted context's saved EFLAGS (the "RSP: ... EFLAGS:"
# line after the entry frame) lacks IF (0x200). No CPU does that; the
# emulator did, on 2026-12-01, inside try_to_wake_up() with the runqueue
# lock held, so that CPU's next interrupt spun on its own lock. Prints
# the entry frame and the EFLAGS line of the first such interrupt.
masked_irq_taken() {
	awk '
	function hexv(h,   i, v) {
		v = 0; h = tolower(h)
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	/ asm_(sysvec_[a-z_]+|common_interrupt)\+0x[0-9a-f]+\/0x/ { irq = 4; entry = $0; next }
	irq && match($0, /EFLAGS: [0-9a-f]+/) {
		if (!found && int(hexv(substr($0, RSTART + 8, RLENGTH - 8)) / 512) % 2 == 0) {
			found = 1
			print entry
			print
		}
		irq = 0
		next
	}
	irq { irq-- }
	END { exit !found }' "$1"
}
# frozen_masked_irq: the frozen L1's console shows such an interrupt, and
# nothing on it (a report, any CPU's backtrace) or in the forensics names
# a vhost worker, vhost or vhost-kvs code: the emulator's fault may sit
# beside a hang of ours, and then the hang is what counts.
frozen_masked_irq() {
	masked_irq_taken "$console" >/dev/null &&
		! grep -qE "$ours_pat" "$outdir/frozen.log" "$console" "$outdir/dmesg.log"
}
# frozen_in_emulator: each vCPU of the frozen L1 sat where only the
# emulator can leave it (halted with its timer interrupt lost, or in KVM's
# VMRUN), and nothing in the forensics names vhost or vhost-kvs code. A
# vCPU anywhere else is a hang to look into, not to retry.
frozen_in_emulator() {
	ours=$ours_pat awk '
		/^== vCPU/ { cpus++; rip_seen = 0 }
		/^-- kernel text/ { rip_seen = 1 }
		/^  [0-9a-f]+ [A-Za-z0-9_.]+\+0x/ && cpus && !rip_seen {
			rip[cpus] = $2; rip_seen = 1
		}
		$0 ~ ENVIRON["ours"] { named = 1 }
		END {
			if (named || cpus < 2)
				exit 1
			for (i = 1; i <= cpus; i++)
				if (rip[i] !~ /^(pv_native_safe_halt|native_safe_halt|default_idle|__svm_vcpu_run|svm_vcpu_enter_exit)\+/)
					exit 1
		}' "$outdir/frozen.log"
}
