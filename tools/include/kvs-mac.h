/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one MAC address parser of the project's tools (kvsctl, kvs-launch,
 * the test programs), so that all of them take the same spelling.
 */
#ifndef KVS_MAC_H
#define KVS_MAC_H

#include <ctype.h>
#include <stdint.h>

static inline int kvs_hex_digit(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	       tolower((unsigned char)c) - 'a' + 10;
}

/*
 * "aa:bb:cc:dd:ee:ff": six pairs of hex digits, either case, with colons
 * between and nothing around. Returns 0, or -1 for anything else.
 */
static inline int kvs_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		/* && stops at the first miss: never reads past the NUL */
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) || s[2] != (i < 5 ? ':' : 0))
			return -1;
		mac[i] = kvs_hex_digit(s[0]) << 4 | kvs_hex_digit(s[1]);
	}
	return 0;
}

#endif
