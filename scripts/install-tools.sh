#!/usr/bin/env bash
# Installs the Debian tools the tests use (clang, llvm, bpftool, libbpf-dev, tcpdump, iverilog,
# verilator, yosys, chromium for the report's browser test) when some are missing and we are root; mounts the BPF filesystem.
# Prints what it did; never fails the test run by itself (tests report what they cannot do).
set -u
need=()
command -v clang >/dev/null || need+=(clang)
command -v llvm-objdump >/dev/null || need+=(llvm)
command -v bpftool >/dev/null || need+=(bpftool)
[ -e /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v iverilog >/dev/null || need+=(iverilog)
command -v verilator >/dev/null || need+=(verilator)
command -v yosys >/dev/null || need+=(yosys)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-tools: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || echo "install-tools: apt-get update failed"
    apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "install-tools: apt-get install ${need[*]} failed"
  else
    echo "install-tools: missing ${need[*]} and not root with apt-get: the tests that need them will say so"
  fi
fi
if [ "$(id -u)" = 0 ] && [ -d /sys/fs/bpf ] && ! grep -q ' /sys/fs/bpf ' /proc/mounts; then
  mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "install-tools: could not mount the BPF filesystem"
fi
exit 0
