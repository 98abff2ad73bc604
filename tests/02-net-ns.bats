#!/usr/bin/env bats
# Chapter 02: network namespaces, veth pairs and bridges. Each claim is
# read back from the kernel with `ip -j` (JSON) and proven with real
# packets (busybox ping) between namespaces these tests made. Addresses are
# in 10.200.0.0/16, only on our own devices; no NAT, no route off the host.

bats_require_minimum_version 1.5.0

# Our namespaces and bridges; teardown removes whichever exist.
NAMESPACES=(ctlabA ctlabB ctlabC ctlab-ipmade)
BRIDGES=(ctlabbr1 ctlabbr2)

setup_file() {
    # `netns add` (like `ip netns add`) makes /run/netns a shared mount
    # point and leaves it; teardown_file undoes that only if it did it.
    if [ -d /run/netns ]; then export NETNS_DIR_BEFORE=dir; else export NETNS_DIR_BEFORE=none; fi
    if mountpoint -q /run/netns 2>/dev/null; then NETNS_DIR_BEFORE=mount; fi
}

teardown_file() {
    [ "$NETNS_DIR_BEFORE" = mount ] && return 0
    [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ] || return 0
    if mountpoint -q /run/netns; then umount /run/netns; fi
    if [ "$NETNS_DIR_BEFORE" = none ]; then rmdir /run/netns; fi
}

setup() {
    load test_helper/common
    requires root
}

teardown() {
    local name
    for name in "${NAMESPACES[@]}"; do
        [ -e "/run/netns/$name" ] && ip netns delete "$name"
    done
    for name in "${BRIDGES[@]}"; do
        ip link show "$name" >/dev/null 2>&1 && ip link delete "$name"
    done
    # Host ends go when their namespace goes, a moment later.
    wait_until 5 no_ctlab_test_links || true
    cleanup_test
}

# --- helpers ------------------------------------------------------------------

no_ctlab_test_links() {
    ! ip -o link | grep -qE ': (ctlab-h-|ctlab-c-|ctlab-x|ctlabbr)'
}

link_gone() {
    ! ip link show "$1" >/dev/null 2>&1
}

# What a tool could leave behind: link names, pinned namespaces, mounts.
network_state() {
    ip -o link | awk -F': ' '{print "link " $2}' | sed 's/@.*//'
    ls /run/netns 2>/dev/null | sed 's/^/netns /'
    mount_table | grep -v '^/sys ' # ip netns exec leaves no trace; /sys itself is the host's
    return 0
}

# in NS CMD...: run CMD in namespace NS with the standard tool.
in_ns() {
    ip netns exec "$@"
}

# True when process $1 is in the network namespace with inode $2.
in_netns() {
    [ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$2" ]
}

ping_once() {
    timeout 5 busybox ping -c 1 -W 2 "$@" >/dev/null 2>&1
}

# The host end of the veth into namespace $1: the host link whose peer is
# in the namespace with that name's netns id (`ip netns list` shows ids).
host_end_of() {
    local id
    id=$(ip -j netns list | jq -r --arg n "$1" '.[] | select(.name == $n) | .id')
    [ -n "$id" ] || return 0
    ip -j link | jq -r --argjson id "$id" '.[] | select(.link_netnsid == $id) | .ifname'
}

# --- namespaces ---------------------------------------------------------------

@test "a new namespace has only lo, DOWN, and a net inode of its own" {
    run -0 netns add ctlabA
    assert_output ""
    run -0 in_ns ctlabA ip -j link
    assert_equal "$(jq -r 'map(.ifname) | join(" ")' <<<"$output")" lo
    assert_equal "$(jq -r '.[0].operstate' <<<"$output")" DOWN
    refute [ "$(jq -r '.[0].flags | index("UP")' <<<"$output")" != null ]
    # The kernel's identity of the namespace: the pin and a process inside
    # show one inode, and it is not the host's.
    host=$(stat -L -c %i /proc/self/ns/net)
    pin=$(stat -L -c %i /run/netns/ctlabA)
    inside=$(netns exec ctlabA stat -L -c %i /proc/self/ns/net)
    assert_equal "$inside" "$pin"
    refute [ "$pin" = "$host" ]
    # Isolation: none of the host's addresses or routes are visible.
    run -0 in_ns ctlabA ip -j addr
    assert_equal "$(jq -r '[.[].addr_info[]] | length' <<<"$output")" 0
    run -0 in_ns ctlabA ip route
    assert_output ""
}

@test "ip netns sees our namespace; netns exec joins one made by ip" {
    netns add ctlabA
    run -0 ip netns list
    assert_line --regexp '^ctlabA( |$)'
    run -0 ip netns exec ctlabA true
    ip netns add ctlab-ipmade
    run -0 netns list
    assert_line ctlabA
    assert_line ctlab-ipmade
    assert_equal "$(netns exec ctlab-ipmade stat -L -c %i /proc/self/ns/net)" \
        "$(stat -L -c %i /run/netns/ctlab-ipmade)"
}

@test "netns exec: /sys lists the namespace's devices, and the host's /sys is untouched" {
    netns add ctlabA
    before=$(mount_table)
    run -0 netns exec ctlabA ls /sys/class/net
    assert_output lo
    # The host's /sys still lists the host's devices, whatever they are.
    assert_equal "$(ls /sys/class/net)" "$(ip -o link | awk -F': ' '{print $2}' | sed 's/@.*//' | sort)"
    assert_equal "$(mount_table)" "$before"
}

@test "netns exec passes the command's status through; 127, 126, 125 for its own failures" {
    netns add ctlabA
    run -7 netns exec ctlabA sh -c 'exit 7'
    run -127 netns exec ctlabA -- ctlab-no-such-command
    assert_output --partial "ctlab-no-such-command"
    printf 'echo hi\n' >"$BATS_TEST_TMPDIR/not-executable"
    chmod 0644 "$BATS_TEST_TMPDIR/not-executable"
    run -126 netns exec ctlabA "$BATS_TEST_TMPDIR/not-executable"
    run -125 netns exec ctlabB true
    assert_output "netns: no network namespace 'ctlabB' (create it with: netns add ctlabB)"
}

# --- veth -----------------------------------------------------------------------

@test "veth: packets go both ways, and ip -j reads back what was asked" {
    netns add ctlabA
    # Before the cable the namespace cannot reach the host at all.
    run -1 in_ns ctlabA busybox ping -c 1 -W 1 10.200.0.1
    run -0 netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --gateway
    host_if=$(host_end_of ctlabA)
    [ -n "$host_if" ]
    [ "${#host_if}" -le 15 ]
    # Addresses, link state and routes, as the kernel reports them.
    assert_equal "$(ip -j addr show dev "$host_if" | jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"')" 10.200.0.1/24
    assert_equal "$(ip -j link show dev "$host_if" | jq -r '.[0].flags | index("UP") != null')" true
    run -0 in_ns ctlabA ip -j addr show dev eth0
    assert_equal "$(jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"' <<<"$output")" 10.200.0.2/24
    assert_equal "$(jq -r '.[0].operstate' <<<"$output")" UP
    assert_equal "$(in_ns ctlabA ip -j link show lo | jq -r '.[0].flags | index("UP") != null')" true
    run -0 in_ns ctlabA ip -j route
    assert_equal "$(jq -r '.[] | select(.dst=="default") | "\(.gateway) \(.dev)"' <<<"$output")" "10.200.0.1 eth0"
    # Real packets, both ways.
    ping_once 10.200.0.2
    in_ns ctlabA busybox ping -c 1 -W 2 10.200.0.1
}

@test "veth: the two ends are one cable, even across namespaces" {
    netns add ctlabA
    netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --host-if ctlab-x1 --peer-if ctlab-in
    # Each end names its peer's index; the kernel knows them as a pair.
    peer_index=$(in_ns ctlabA ip -j link show ctlab-in | jq -r '.[0].ifindex')
    assert_equal "$(ip -j link show ctlab-x1 | jq -r '.[0].link_index')" "$peer_index"
    # Without --gateway there is no default route inside.
    run -0 in_ns ctlabA ip route show default
    assert_output ""
    # Deleting one end deletes the other, wherever it is.
    ip link delete ctlab-x1
    run -0 in_ns ctlabA ip -o link
    refute_output --partial ctlab-in
}

@test "veth --born-inside: the same cable in one message, no move" {
    netns add ctlabA
    run -0 --separate-stderr netns -v veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --gateway --born-inside
    lines=("${stderr_lines[@]}")
    assert_line --regexp "^\[netns\] host: RTM_NEWLINK\(.*\) ifname=ctlab-h-[0-9a-f]{7} kind=veth peer=eth0 peer_net_ns_fd=[0-9]+$"
    refute_line --partial "net_ns_fd=3 ifname=eth0" # the move message
    run -0 in_ns ctlabA ip -j addr show dev eth0
    assert_equal "$(jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"' <<<"$output")" 10.200.0.2/24
    ping_once 10.200.0.2
    in_ns ctlabA busybox ping -c 1 -W 2 10.200.0.1
    # A name taken inside fails at the first message: nothing is made.
    before=$(network_state)
    run -1 netns veth ctlabA --host 10.200.0.5/24 --peer 10.200.0.6/24 --host-if ctlab-x2 --born-inside
    assert_output --partial "File exists"
    assert_equal "$(network_state)" "$before"
}

@test "-v tells the story: the netlink messages, their flags and attributes" {
    netns add ctlabA
    run -0 --separate-stderr netns -v veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --gateway
    assert_equal "$output" ""
    host_if=$(host_end_of ctlabA)
    lines=("${stderr_lines[@]}")
    assert_line --regexp "^\[netns\] host: RTM_NEWLINK\(NLM_F_REQUEST\|NLM_F_ACK\|NLM_F_CREATE\|NLM_F_EXCL\) ifname=$host_if kind=veth peer=ctlab-c-[0-9a-f]{7}$"
    assert_line --regexp "^\[netns\] host: RTM_NEWLINK\(NLM_F_REQUEST\|NLM_F_ACK\) index=[0-9]+ net_ns_fd=[0-9]+ ifname=eth0$"
    assert_line "[netns] setns(ctlabA, CLONE_NEWNET)"
    assert_line --regexp "^\[netns\] ctlabA: RTM_NEWADDR\(.*\) index=[0-9]+ \(eth0\) local=10.200.0.2/24$"
    assert_line "[netns] ctlabA: RTM_NEWROUTE(NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL) dst=0.0.0.0/0 gateway=10.200.0.1 table=main"
}

# --- bridges --------------------------------------------------------------------

@test "bridge: two namespaces on one bridge reach each other; one on another bridge cannot" {
    for ns in ctlabA ctlabB ctlabC; do netns add "$ns"; done
    run -0 netns bridge add ctlabbr1 10.200.1.1/24
    run -0 netns bridge add ctlabbr2 10.200.9.1/24
    assert_equal "$(ip -j -d link show ctlabbr1 | jq -r '.[0].linkinfo.info_kind')" bridge
    run -0 netns attach ctlabbr1 ctlabA --peer 10.200.1.2/24 --gateway
    run -0 netns attach ctlabbr1 ctlabB --peer 10.200.1.3/24
    # ctlabC is on the same subnet, but plugged into the other switch.
    run -0 netns attach ctlabbr2 ctlabC --peer 10.200.1.4/24 --host-if ctlab-x3
    # The host ends are ports of their bridges.
    assert_equal "$(ip -j link show master ctlabbr1 | jq -r 'length')" 2
    assert_equal "$(ip -j link show master ctlabbr2 | jq -r '.[0].ifname')" ctlab-x3
    # The gateway is the bridge's own address.
    assert_equal "$(in_ns ctlabA ip -j route show default | jq -r '.[0].gateway')" 10.200.1.1
    in_ns ctlabA busybox ping -c 1 -W 2 10.200.1.3
    in_ns ctlabB busybox ping -c 1 -W 2 10.200.1.2
    in_ns ctlabA busybox ping -c 1 -W 2 10.200.1.1
    run -1 in_ns ctlabC busybox ping -c 1 -W 1 10.200.1.2
    run -1 in_ns ctlabC busybox ping -c 1 -W 1 10.200.1.3
}

@test "bridge del deletes bridges only: not a veth, not eth0" {
    netns add ctlabA
    netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --host-if ctlab-x1
    run -1 netns bridge del ctlab-x1
    assert_output "netns: 'ctlab-x1' is not a bridge (its kind is 'veth'); not deleting it"
    ip link show ctlab-x1
    run -1 netns bridge del lo
    assert_output --partial "is not a bridge"
    netns bridge add ctlabbr1 10.200.1.1/24
    run -0 netns bridge del ctlabbr1
    link_gone ctlabbr1
    run -1 netns bridge del ctlabbr1
    assert_output "netns: no interface 'ctlabbr1' in host"
}

# --- deleting -----------------------------------------------------------------

@test "del: the pin goes, the host end of the veth follows, nothing remains" {
    before=$(network_state)
    netns add ctlabA
    netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --gateway
    host_if=$(host_end_of ctlabA)
    [ -n "$host_if" ]
    run -0 netns del ctlabA
    assert_file_not_exists /run/netns/ctlabA
    [[ "$(ip netns list)" != *ctlabA* ]]
    # The kernel frees the namespace, and with it both veth ends, in the
    # background: wait (bounded) for the host end to go.
    wait_until 5 link_gone "$host_if"
    run -0 ip route
    refute_output --partial 10.200.0.
    # /run/netns itself may stay a mount point, as with ip: compare the rest.
    assert_equal "$(network_state | grep -v ' /run/netns ')" "$(echo "$before" | grep -v ' /run/netns ')"
}

@test "del of a namespace a process still uses: the name goes, the namespace lives until it exits" {
    netns add ctlabA
    start_background "$BATS_TEST_TMPDIR/out" netns exec ctlabA sleep 30
    inode=$(stat -L -c %i /run/netns/ctlabA)
    wait_until 5 in_netns "$BG_PID" "$inode"
    run -0 netns del ctlabA
    assert_file_not_exists /run/netns/ctlabA
    assert_equal "$(stat -L -c %i /proc/$BG_PID/ns/net)" "$inode"
}

# --- bad input ------------------------------------------------------------------

@test "bad addresses and names: one clear line, exit 1 or 2, nothing made" {
    netns add ctlabA
    before=$(network_state)
    for addr in 10.200.0.300/24 10.200.0.2/33 garbage 10.200.0.2 ""; do
        run -1 netns veth ctlabA --host 10.200.0.1/24 --peer "$addr"
        assert_output "netns: --peer '$addr': not an IPv4 address with a prefix, like 10.200.0.2/24 (four numbers 0-255, prefix 1-32)"
    done
    run -1 netns bridge add ctlabbr1 10.200.1.1/33
    assert_output --partial "not an IPv4 address with a prefix"
    for name in a/b .. . ""; do
        run -1 netns add "$name"
        assert_equal "${#lines[@]}" 1
        assert_output --regexp "^netns: (namespace name '.*' is not allowed|empty namespace name)"
    done
    run -1 netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --host-if 'a b'
    assert_output "netns: --host-if: interface name 'a b' is not allowed (no '/', ':', blanks, '.' or '..')"
    run -1 netns veth ctlabA --peer 10.200.0.2/24
    assert_output "netns: --host IP/PREFIX is required"
    run -2 netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --colour
    assert_output "netns: unknown option or missing argument: '--colour' (see: netns --help)"
    run -2 netns veth
    assert_output --partial "usage: netns veth NAME"
    run -2 netns frobnicate
    assert_output "netns: unknown command 'frobnicate' (see: netns --help)"
    run -2 netns
    assert_output "netns: no command given (see: netns --help)"
    assert_equal "$(network_state)" "$before"
}

@test "an existing name: clear EEXIST messages, the original untouched" {
    netns add ctlabA
    inode=$(stat -L -c %i /run/netns/ctlabA)
    run -1 netns add ctlabA
    assert_output "netns: network namespace 'ctlabA' already exists (/run/netns/ctlabA)"
    assert_equal "$(stat -L -c %i /run/netns/ctlabA)" "$inode"
    netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24
    host_if=$(host_end_of ctlabA)
    before=$(network_state)
    run -1 netns veth ctlabA --host 10.200.0.5/24 --peer 10.200.0.6/24
    assert_output "netns: interface '$host_if' already exists in host (remove it, or choose another name with --host-if)"
    netns bridge add ctlabbr1 10.200.1.1/24
    run -1 netns bridge add ctlabbr1 10.200.2.1/24
    assert_output --partial "interface 'ctlabbr1' already exists in host"
    run -1 netns del ctlabB
    assert_output "netns: no network namespace 'ctlabB' (/run/netns/ctlabB does not exist)"
    assert_equal "$(network_state | grep -v ctlabbr1)" "$before"
}

@test "interface names over 15 bytes are refused before anything is made (the chapter's veth-c-mc-XXXXXXXX)" {
    netns add ctlabA
    before=$(network_state)
    run -1 netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --peer-if veth-c-mc-1a2b3c4d
    assert_output "netns: --peer-if: interface name 'veth-c-mc-1a2b3c4d' is 18 bytes; the kernel allows 15 (IFNAMSIZ 16, with the final NUL)"
    run -1 netns bridge add ctlab-bridge-long 10.200.1.1/24
    assert_output --partial "is 17 bytes; the kernel allows 15"
    # ip refuses the same name: the limit is the kernel's.
    run ! ip link add veth-c-mc-1a2b3c4d type veth peer name ctlab-p
    assert_equal "$(network_state)" "$before"
    # A long namespace name still gets short, predictable interface names.
    netns add ctlab-a-very-long-namespace-name-indeed
    NAMESPACES+=(ctlab-a-very-long-namespace-name-indeed)
    run -0 netns veth ctlab-a-very-long-namespace-name-indeed --host 10.200.0.1/24 --peer 10.200.0.2/24
    ip netns delete ctlab-a-very-long-namespace-name-indeed
}

@test "veth into a missing namespace: a clear error, nothing made" {
    before=$(network_state)
    run -1 netns veth ctlabB --host 10.200.0.1/24 --peer 10.200.0.2/24
    assert_output "netns: no network namespace 'ctlabB' (create it with: netns add ctlabB)"
    run -1 netns attach ctlabbr1 ctlabB --peer 10.200.1.2/24
    assert_equal "${#lines[@]}" 1
    netns add ctlabA
    run -1 netns attach ctlabbr1 ctlabA --peer 10.200.1.2/24
    assert_output "netns: no interface 'ctlabbr1' in host"
    run -1 netns attach lo ctlabA --peer 10.200.1.2/24
    assert_output "netns: 'lo' is not a bridge (its kind is '')"
    ip netns delete ctlabA
    assert_equal "$(network_state | grep -v ' /run/netns ')" "$(echo "$before" | grep -v ' /run/netns ')"
}

@test "a failure half way undoes the veth: a duplicate peer address inside" {
    netns add ctlabA
    netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --host-if ctlab-x1 --peer-if ctlab-in1
    before=$(network_state)
    before_inside=$(in_ns ctlabA ip -o link | awk -F': ' '{print $2}')
    # The namespace already has eth0-like ctlab-in1; asking for that name
    # again fails only after the pair exists and has moved.
    run -1 netns veth ctlabA --host 10.200.0.5/24 --peer 10.200.0.6/24 --host-if ctlab-x2 --peer-if ctlab-in1
    assert_output --partial "RTM_NEWLINK"
    assert_output --partial "ctlab-in1"
    wait_until 5 link_gone ctlab-x2
    assert_equal "$(network_state)" "$before"
    assert_equal "$(in_ns ctlabA ip -o link | awk -F': ' '{print $2}')" "$before_inside"
}

@test "a kernel refusal is reported with its reason, and the veth undone" {
    netns add ctlabA
    netns bridge add ctlabbr2 10.200.9.1/24
    before=$(network_state)
    # The bridge's address is not on the peer's subnet: no route via it.
    run -1 netns attach ctlabbr2 ctlabA --peer 10.200.1.4/24 --gateway
    assert_output "netns: RTM_NEWROUTE dst=0.0.0.0/0 gateway=10.200.9.1 table=main in ctlabA: Network is unreachable (kernel: Nexthop has invalid gateway)"
    wait_until 5 test "$(network_state)" = "$before"
    run -0 in_ns ctlabA ip -o link
    assert_output --regexp '^1: lo:'
    assert_equal "${#lines[@]}" 1
}

@test "without root: a clear 'needs root', exit 1; list works" {
    requires setpriv
    copy_for_unprivileged "$CTLAB_ROOT/02-net-ns/netns"
    run -1 as_unprivileged "$BIN/netns" add ctlabA
    assert_output "netns: add needs root: it changes the host's network and mounts (CAP_NET_ADMIN, CAP_SYS_ADMIN); try: sudo netns add"
    assert_file_not_exists /run/netns/ctlabA
    run -1 as_unprivileged "$BIN/netns" veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24
    assert_output --partial "veth needs root"
    run -0 as_unprivileged "$BIN/netns" list
}

# --- safety -----------------------------------------------------------------------

# The host's NAT rules, as nft and iptables-save print them, without
# iptables-save's "# Generated ... on TIME" comments.
nat_rules() {
    { nft list ruleset; iptables-save -t nat; } 2>/dev/null | grep -v '^#' || true
}

@test "safety: only 10.200.0.0/16 routes appear on the host, no default route, no NAT" {
    routes_before=$(ip -j route | jq -c 'sort_by(.dst)')
    # (iptables-save's comment lines carry the time: left out.)
    nat_before=$(nat_rules)
    netns add ctlabA
    netns add ctlabB
    netns veth ctlabA --host 10.200.0.1/24 --peer 10.200.0.2/24 --gateway
    netns bridge add ctlabbr1 10.200.1.1/24
    netns attach ctlabbr1 ctlabB --peer 10.200.1.2/24 --gateway
    # Every new host route is a connected route inside 10.200.0.0/16.
    new=$(ip -j route | jq -c --argjson old "$routes_before" '[.[] | select(. as $r | $old | index($r) | not)]')
    assert_equal "$(jq -r 'length' <<<"$new")" 2
    assert_equal "$(jq -r '[.[] | select(.dst | test("^10\\.200\\.[0-9]+\\.0/24$")) | select(.gateway == null)] | length' <<<"$new")" 2
    assert_equal "$(ip -j route show default | jq -c 'sort_by(.dev)')" "$(jq -c '[.[] | select(.dst=="default")] | sort_by(.dev)' <<<"$routes_before")"
    # The namespaces' default routes lead only to our own devices.
    assert_equal "$(in_ns ctlabA ip -j route show default | jq -r '.[0].gateway')" 10.200.0.1
    assert_equal "$(in_ns ctlabB ip -j route show default | jq -r '.[0].gateway')" 10.200.1.1
    assert_equal "$(nat_rules)" "$nat_before"
}
