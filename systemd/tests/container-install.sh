#!/usr/bin/env bash
# The unit under a real systemd: boots a container whose root is a throw-away overlay of this machine's
# own root (never systemd on the real root: its tmpfiles would clean the shared /tmp), installs
# heygen-dropd there by the README's steps with the simulator on the container's own loopback, and checks:
# active with a STATUS= line, a group member's drop succeeds, kill -9 is restarted, stop exits 0, and the
# journal holds no runtime noise.
#
#   container-install.sh BINARY REPO SAMPLE_PNG
#
# Exit 0: all checks passed; 77: this machine cannot do it (not root, no systemd-nspawn, no overlay);
# anything else: a check failed (the lines starting "not ok" say which).
set -uo pipefail
binary=$1 repo=$2 sample=$3

[ "$(id -u)" = 0 ] || { echo "skip: not root"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "skip: systemd-nspawn missing (Debian's systemd-container)"; exit 77; }
[ -x /lib/systemd/systemd ] || [ -x /usr/lib/systemd/systemd ] || { echo "skip: no systemd to boot"; exit 77; }

work=$(mktemp -d /var/tmp/heygen-dropd-container.XXXXXX)
mkdir -p "$work/upper" "$work/work" "$work/root"
if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/work" "$work/root"; then
    rm -rf "$work"
    echo "skip: cannot mount an overlay of /"
    exit 77
fi
root=$work/root
nspawn=""
cleanup() {
    if [ -n "$nspawn" ] && kill -0 "$nspawn" 2>/dev/null; then
        kill -TERM "$nspawn"
        for _ in $(seq 1 60); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$nspawn" 2>/dev/null && kill -KILL "$nspawn"
        wait "$nspawn" 2>/dev/null
    fi
    umount "$root" 2>/dev/null || umount -l "$root"
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() {  # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "not ok: $what"; failures=$((failures + 1)); fi
}

# What the README's install steps take from the build and the repository.
install -D -m 0755 "$binary" "$root/var/tmp/install/heygen-dropd"
cp -r "$repo/systemd" "$repo/etc" "$root/var/tmp/install/"
install -m 0644 "$sample" "$root/var/tmp/sample.png"

systemd-nspawn -D "$root" -b --private-network --register=no --keep-unit --link-journal=no -q \
    >"$work/console.log" 2>&1 &
nspawn=$!
leader=""
for _ in $(seq 1 100); do
    for child in $(ps --ppid "$nspawn" -o pid= 2>/dev/null); do
        [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ] && leader=$child
    done
    [ -n "$leader" ] && break
    sleep 0.2
done
[ -n "$leader" ] || { echo "not ok: the container did not boot"; tail -20 "$work/console.log"; exit 1; }
inside() { nsenter -t "$leader" -a "$@"; }
for _ in $(seq 1 60); do
    state=$(inside systemctl is-system-running 2>/dev/null)
    case $state in running|degraded) break ;; esac
    sleep 1
done
echo "container booted ($state)"

# The README's steps, inside, with the simulator as the API.
inside sh -euc '
    cd /var/tmp/install
    install -m 0755 heygen-dropd /usr/local/bin/heygen-dropd
    install -m 0644 systemd/heygen-dropd.sysusers /usr/lib/sysusers.d/heygen-dropd.conf
    install -m 0644 systemd/heygen-dropd.tmpfiles /usr/lib/tmpfiles.d/heygen-dropd.conf
    systemd-sysusers && systemd-tmpfiles --create
    install -D -m 0644 etc/heygen-dropd/config.yaml /etc/heygen-dropd/config.yaml
    install -d -m 0700 /etc/credstore
    printf "%s" "container-test-key" > /etc/credstore/heygen-api-key
    chmod 0600 /etc/credstore/heygen-api-key
    install -m 0644 systemd/heygen-dropd.service /etc/systemd/system/heygen-dropd.service
    mkdir -p /etc/systemd/system/heygen-dropd.service.d
    printf "[Service]\nEnvironment=HEYGEN_API_BASE_URL=http://127.0.0.1:18089\nEnvironment=HEYGEN_DROPD_VIDEO_POLL_INITIAL_MS=200\n" \
        > /etc/systemd/system/heygen-dropd.service.d/test.conf
    systemd-run --quiet --unit=heygen-simulator -p DynamicUser=yes \
        /usr/local/bin/heygen-dropd simulate --port 18089 --host 127.0.0.1
    systemctl daemon-reload
    systemctl enable --now heygen-dropd
' || { echo "not ok: the install steps failed"; exit 1; }

active() { [ "$(inside systemctl is-active heygen-dropd)" = active ]; }
check "the unit is active" active
status_line() { inside systemctl show -p StatusText --value heygen-dropd | grep -q "queued"; }
for _ in $(seq 1 20); do status_line && break; sleep 0.5; done
check "it sent a STATUS= line ($(inside systemctl show -p StatusText --value heygen-dropd))" status_line

inside useradd --create-home --groups heygen-dropd alice
inside runuser -u alice -- sh -c 'umask 022; cp /var/tmp/sample.png /var/spool/heygen-dropd/inbox/drop.png'
succeeded() { inside grep -q '"status" *: *"succeeded"' /var/spool/heygen-dropd/outbox/drop.png.json 2>/dev/null; }
for _ in $(seq 1 60); do succeeded && break; sleep 0.5; done
check "a group member's drop succeeds" succeeded

# A private file copied in keeps its 0600 mode (the default ACL's mask follows it): the daemon may not read
# it, and the result says whose it is, its mode, and the fix.
inside runuser -u alice -- sh -c 'umask 077; cp /var/tmp/sample.png /tmp/private.png; chmod 0600 /tmp/private.png; cp /tmp/private.png /var/spool/heygen-dropd/inbox/private.png'
explained() {
    inside grep -q '"code" *: *"unreadable"' /var/spool/heygen-dropd/outbox/private.png.json 2>/dev/null &&
        inside grep -Eq 'owner (alice|another user)' /var/spool/heygen-dropd/outbox/private.png.json &&
        inside grep -q 'mode 0600' /var/spool/heygen-dropd/outbox/private.png.json &&
        inside grep -q 'chmod g+r' /var/spool/heygen-dropd/outbox/private.png.json
}
for _ in $(seq 1 60); do explained && break; sleep 0.5; done
check "a private file fails as unreadable, naming its owner, mode and the fix" explained
explained || inside cat /var/spool/heygen-dropd/outbox/private.png.json 2>/dev/null

before=$(inside systemctl show -p MainPID --value heygen-dropd)
inside kill -9 "$before"
restarted() {
    local now; now=$(inside systemctl show -p MainPID --value heygen-dropd)
    active && [ "$now" != 0 ] && [ "$now" != "$before" ]
}
for _ in $(seq 1 40); do restarted && break; sleep 0.5; done
check "kill -9 is restarted (pid $before, then $(inside systemctl show -p MainPID --value heygen-dropd))" restarted

limits=$(inside sh -c "grep -i nice /proc/\$(systemctl show -p MainPID --value heygen-dropd)/limits; systemctl show -p LimitNICE -p LimitNICESoft heygen-dropd")
inside systemctl stop heygen-dropd
stopped_cleanly() {
    [ "$(inside systemctl show -p ExecMainStatus --value heygen-dropd)" = 0 ] &&
        [ "$(inside systemctl show -p Result --value heygen-dropd)" = success ]
}
check "stop exits 0" stopped_cleanly

journal=$(inside journalctl -u heygen-dropd -o cat --no-pager)
# The unit allows setpriority() and sets LimitNICE=-20 (an RLIMIT_NICE of 40) so that libdispatch can give
# its worker threads their nice values. A service manager without CAP_SYS_RESOURCE (systemd in a container
# of a sandbox that lacks it) cannot raise that limit: there the threads that want a negative nice are still
# refused (EACCES, errno=13), and only the seccomp refusals (EPERM, errno=1) are checked for.
nice_limit=$(awk '/Max nice priority/ { print $4 }' <<<"$limits")
if [ "$nice_limit" = 40 ]; then
    quiet() { ! grep -q "Failed to set thread priority" <<<"$journal"; }
    check "the journal holds no runtime noise" quiet
else
    echo "note: the service manager could not raise RLIMIT_NICE here (it is $nice_limit, LimitNICE asks 40)"
    quiet() { ! grep "Failed to set thread priority" <<<"$journal" | grep -qv "errno=13"; }
    check "the journal holds no seccomp refusals of setpriority" quiet
fi
if [ "$failures" -gt 0 ]; then
    echo "--- the daemon's nice limit"
    echo "$limits"
    echo "--- journal of heygen-dropd"
    tail -40 <<<"$journal"
    exit 1
fi
echo "all checks passed"
